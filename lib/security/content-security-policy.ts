/**
 * The Content-Security-Policy for HTML pages. Scripts run only with this response's nonce (Next.js
 * puts it on its own scripts) or when loaded by such a script ('strict-dynamic'). The page may
 * only talk to its own origin, including the signaling WebSocket.
 */
export interface PolicyOptions {
  nonce: string;
  /** The Host the page was requested on, for an explicit ws(s): source. */
  host: string | null;
  secure: boolean;
  dev: boolean;
}

/** Hosts are echoed into the header: allow only characters a host:port can have. */
const HOST_PATTERN = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i;

export function contentSecurityPolicy({ nonce, host, secure, dev }: PolicyOptions): string {
  const socket = host && HOST_PATTERN.test(host) ? ` ${secure ? 'wss' : 'ws'}://${host}` : '';
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
 * Headers for every response. Camera, microphone and screen capture are for this origin only;
 * nothing may frame the app (clickjacking); call links never leak through Referer.
 */
export const SECURITY_HEADERS: readonly { key: string; value: string }[] = [
  {
    key: 'Permissions-Policy',
    value: [
      'camera=(self)',
      'microphone=(self)',
      'display-capture=(self)',
      'speaker-selection=(self)',
      'fullscreen=(self)',
      'picture-in-picture=(self)',
      'autoplay=(self)',
      'geolocation=()',
      'payment=()',
      'usb=()',
    ].join(', '),
  },
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];
