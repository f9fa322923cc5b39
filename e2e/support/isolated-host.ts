import { chromium, type Browser } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_MEDIA_ARGS, chromiumExecutable } from '../../tests/support/browser/chromium';
import { createPerson, type Person } from '../../tests/support/browser/person';

/**
 * A second "machine" for one person: a Linux network namespace joined to this host by a veth
 * pair, running its own Chromium. Pulling the link down takes that person off the network
 * entirely (signaling and media), as a dropped Wi-Fi would. Needs root (CI runs as root).
 */
export class IsolatedHost {
  /** The address of this host as seen from inside the namespace. */
  static readonly HOST_ADDRESS = '10.77.0.1';
  private browser: Browser | null = null;
  private readonly tempDir = mkdtempSync(join(tmpdir(), 'meshcall-netns-'));

  private constructor(
    private readonly namespace: string,
    private readonly hostLink: string,
    private readonly guestLink: string,
  ) {}

  /** Whether this machine lets us create network namespaces; tests skip with a reason if not. */
  static available(): { ok: true } | { ok: false; reason: string } {
    if (process.getuid?.() !== 0)
      return { ok: false, reason: 'needs root to create a network namespace' };
    try {
      execFileSync('ip', ['netns', 'list'], { stdio: 'pipe' });
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: `ip netns is not usable here: ${String(error)}` };
    }
  }

  static create(): IsolatedHost {
    const id = `${process.pid % 10_000}`;
    const guestLink = `mcg-${id}`;
    const host = new IsolatedHost(`meshcall-${id}`, `mch-${id}`, guestLink);
    host.cleanUpNetwork();
    ip('netns', 'add', host.namespace);
    ip('link', 'add', host.hostLink, 'type', 'veth', 'peer', 'name', guestLink);
    ip('link', 'set', guestLink, 'netns', host.namespace);
    ip('addr', 'add', `${IsolatedHost.HOST_ADDRESS}/24`, 'dev', host.hostLink);
    ip('link', 'set', host.hostLink, 'up');
    host.inside('ip', 'addr', 'add', '10.77.0.2/24', 'dev', guestLink);
    host.inside('ip', 'link', 'set', guestLink, 'up');
    host.inside('ip', 'link', 'set', 'lo', 'up');
    return host;
  }

  /** A person whose browser runs inside the namespace and opens pages at `origin`. */
  async person(name: string, origin: string): Promise<Person> {
    const executable = chromiumExecutable() ?? chromium.executablePath();
    const wrapper = join(this.tempDir, 'chromium');
    writeFileSync(
      wrapper,
      `#!/bin/sh\nexec ip netns exec ${this.namespace} "${executable}" "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    this.browser = await chromium.launch({
      executablePath: wrapper,
      // The page is plain http on a non-localhost address: let it use the (fake) camera anyway.
      args: [...FAKE_MEDIA_ARGS, `--unsafely-treat-insecure-origin-as-secure=${origin}`],
    });
    return createPerson(this.browser, name);
  }

  goOffline(): void {
    this.inside('ip', 'link', 'set', this.guestLink, 'down');
  }

  goOnline(): void {
    this.inside('ip', 'link', 'set', this.guestLink, 'up');
  }

  async dispose(): Promise<void> {
    await this.browser?.close();
    this.cleanUpNetwork();
    rmSync(this.tempDir, { recursive: true, force: true });
  }

  private inside(...command: string[]): void {
    ip('netns', 'exec', this.namespace, ...command);
  }

  private cleanUpNetwork(): void {
    for (const args of [
      ['netns', 'del', this.namespace],
      ['link', 'del', this.hostLink],
    ]) {
      try {
        ip(...args);
      } catch {
        // Already gone.
      }
    }
  }
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}
