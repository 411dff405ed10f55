/**
 * Next's request proxy (the file convention formerly called middleware), for every request:
 *
 * - `/graphql` (HTTP and the graphql-ws upgrade) and `/auth/logout` are forwarded to the API
 *   (TOWER_API_URL, read per request): the browser talks to one origin, so the httpOnly session
 *   cookie the API sets at login is first-party and CSP's `connect-src 'self'` covers the API.
 * - Pages get a Content-Security-Policy with a fresh nonce (Next reads it from the request's CSP
 *   header and puts it on its scripts), and HSTS when a built app (not `next dev`) is reached over https.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { isDevelopment, readApiUpstream } from '@/lib/config/server-config';
import { contentSecurityPolicy, HSTS, newNonce, requestIsHttps } from '@/lib/security/headers';

export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  if (pathname === '/graphql' || pathname === '/auth/logout') {
    const upstream = readApiUpstream();
    const target = new URL(pathname === '/graphql' ? upstream.graphqlUrl : upstream.logoutUrl);
    target.search = search;
    return NextResponse.rewrite(target);
  }

  const nonce = newNonce();
  const https = requestIsHttps(request.nextUrl, request.headers);
  const policy = contentSecurityPolicy({ nonce, https, dev: isDevelopment() });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', policy);
  if (https && !isDevelopment()) response.headers.set('strict-transport-security', HSTS);
  return response;
}

export const config = {
  // Static files carry no inline script: they keep next.config's headers and skip the proxy.
  matcher: ['/((?!_next/static|_next/image|icon.svg).*)'],
};
