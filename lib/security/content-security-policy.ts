import securityHeaders from './security-headers.json';

/**
 * The Content-Security-Policy for HTML pages. Scripts run only with this response's nonce (Next.js
 * puts it on its own scripts) or when loaded by such a script ('strict-dynamic'). The page may
 * only talk to its own origin and the signaling WebSocket.
 */
export interface PolicyOptions {
  nonce: string;
  /** The Host the page was requested on, for an explicit ws(s): source. */
  host: string | null;
  secure: boolean;
  dev: boolean;
  /** The port signaling listens on beside plain `next dev`; null when on the page's own origin. */
  signalingPort?: number | null;
}

/** Hosts are echoed into the header: allow only characters a host:port can have. */
const HOST_PATTERN = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i;

export function contentSecurityPolicy({
  nonce,
  host,
  secure,
  dev,
  signalingPort = null,
}: PolicyOptions): string {
  const socketHost =
    host && HOST_PATTERN.test(host)
      ? signalingPort === null
        ? host
        : `${host.replace(/:\d+$/, '')}:${signalingPort}`
      : null;
  const socket = socketHost ? ` ${secure ? 'wss' : 'ws'}://${socketHost}` : '';
  const directives = [
    "default-src 'self'",
    // Development needs eval for React's debugging aids and inline styles for the error overlay.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' ${dev ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    "font-src 'self'",
    `connect-src 'self'${socket}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "worker-src 'self' blob:",
    ...(secure ? ['upgrade-insecure-requests'] : []),
  ];
  return directives.join('; ');
}

/** A fresh nonce: 128 random bits, base64. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * Headers for every response, whatever serves it: `next.config.js` gives them to Next's responses
 * (`next dev`, `next start`, the custom server) and the custom server to its own. Camera,
 * microphone and screen capture are for this origin only; nothing may frame the app
 * (clickjacking); call links never leak through Referer. JSON, so `next.config.js` can read it.
 */
export const SECURITY_HEADERS: readonly { key: string; value: string }[] = securityHeaders;
