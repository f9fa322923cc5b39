import { networkInterfaces } from 'node:os';
import type { ServerConfig } from './config';

/** Where the app's pages are served: the address the server listens on, and whether over TLS. */
export interface PageAddress {
  /** The listening host (HOST): a name, an address, or a wildcard such as 0.0.0.0. */
  host: string;
  port: number;
  secure: boolean;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
/** Hosts that mean "every interface". */
const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);

/**
 * Which pages may open the signaling socket, judged by their `Origin` (scheme, host and port).
 * Allowed: PUBLIC_ORIGIN and ALLOWED_ORIGINS; and, in development or when PUBLIC_ORIGIN is not set,
 * the address the pages are served from (for localhost, also 127.0.0.1 and [::1]; for a wildcard
 * HOST, any address of this machine). The request's `Host` is never trusted: a DNS-rebinding page
 * at http://rebind.attacker.example:3000 sends a matching Host and an Origin of that name.
 */
export class OriginPolicy {
  private readonly fixed = new Set<string>();
  private readonly listening: boolean;

  constructor(
    config: Pick<ServerConfig, 'dev' | 'publicOrigin' | 'allowedOrigins'>,
    private readonly pages: PageAddress,
  ) {
    if (config.publicOrigin) this.fixed.add(config.publicOrigin);
    for (const origin of config.allowedOrigins) this.fixed.add(origin);
    this.listening = config.dev || !config.publicOrigin;
    if (this.listening && !WILDCARD_HOSTS.has(pages.host)) {
      const names = LOOPBACK_HOSTS.has(pages.host)
        ? ['localhost', '127.0.0.1', '[::1]']
        : [pages.host];
      for (const name of names) this.fixed.add(this.originOf(name));
    }
  }

  allows(origin: string | undefined): boolean {
    if (!origin) return false;
    if (this.fixed.has(origin)) return true;
    if (!this.listening || !WILDCARD_HOSTS.has(this.pages.host)) return false;
    // Listening everywhere: any address of this machine now (interfaces come and go), by IP only.
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    return url.origin === origin && localAddresses().some((host) => this.originOf(host) === origin);
  }

  /** The origins accepted, for the startup log. */
  describe(): string[] {
    const described = [...this.fixed];
    if (this.listening && WILDCARD_HOSTS.has(this.pages.host)) {
      described.push(this.originOf('<any address of this machine>'));
    }
    return described;
  }

  private originOf(host: string): string {
    const scheme = this.pages.secure ? 'https' : 'http';
    const bare = `${scheme}://${host}:${this.pages.port}`;
    try {
      return new URL(bare).origin;
    } catch {
      return bare;
    }
  }
}

function localAddresses(): string[] {
  const hosts = ['localhost'];
  for (const addresses of Object.values(networkInterfaces())) {
    for (const { address, family, scopeid } of addresses ?? []) {
      // A link-local IPv6 address needs a zone, which an origin cannot carry.
      if (family === 'IPv6' && scopeid) continue;
      hosts.push(family === 'IPv6' ? `[${address}]` : address);
    }
  }
  return hosts;
}
