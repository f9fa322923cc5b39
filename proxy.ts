import { NextResponse, type NextRequest } from 'next/server';
import { contentSecurityPolicy, createNonce } from './lib/security/content-security-policy';
import { signalingPortForPages } from './lib/server/process-state';

/**
 * Gives every response a fresh CSP nonce. Next.js reads the policy from the request headers and
 * puts the nonce on the scripts it renders; the browser gets the same policy on the response.
 */
export function proxy(request: NextRequest) {
  const forwardedProto = request.headers.get('x-forwarded-proto');
  const policy = contentSecurityPolicy({
    nonce: createNonce(),
    host: request.headers.get('host'),
    secure: request.nextUrl.protocol === 'https:' || forwardedProto === 'https',
    dev: process.env.NODE_ENV === 'development',
    signalingPort: signalingPortForPages(),
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', policy);
  return response;
}

export const config = {
  // Everything but the build's static files, which carry no page. Prefetches and error pages
  // (a 404 for /favicon.ico) are HTML with scripts too, and a prefetched page may be shown later.
  // The blur worker's files have a policy of their own (next.config.js).
  matcher: ['/((?!_next/static|_next/image|blur/).*)'],
};
