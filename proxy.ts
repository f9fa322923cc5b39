import { NextResponse, type NextRequest } from 'next/server';
import { contentSecurityPolicy, createNonce } from './lib/security/content-security-policy';

/**
 * Gives every page a fresh CSP nonce. Next.js reads the policy from the request headers and puts
 * the nonce on the scripts it renders; the browser gets the same policy on the response.
 */
export function proxy(request: NextRequest) {
  const forwardedProto = request.headers.get('x-forwarded-proto');
  const policy = contentSecurityPolicy({
    nonce: createNonce(),
    host: request.headers.get('host'),
    secure: request.nextUrl.protocol === 'https:' || forwardedProto === 'https',
    dev: process.env.NODE_ENV === 'development',
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: static files carry no scripts to protect, and prefetches render nothing.
      source: '/((?!_next/static|_next/image|favicon.ico|icon.svg).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
