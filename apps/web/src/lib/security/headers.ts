/**
 * The security headers of the web app's pages (src/proxy.ts sets them per request; pure so the
 * policy is unit-tested). docs/web.md, "Security headers", says why each is what it is.
 */

export interface PolicyOptions {
  /** Fresh per request: Next puts it on its own inline and bootstrap scripts. */
  nonce: string;
  /** The browser reached the app over https (directly or through a TLS proxy). */
  https: boolean;
  /** `next dev` evaluates code with eval (React's debugging); never in a production build. */
  dev: boolean;
}

/**
 * Scripts: only those carrying the nonce, and what they load ('strict-dynamic'), so an injected
 * <script> or inline handler does not run. Styles allow inline: React's `style` attributes
 * (virtualized lists, the graph) are inline styles, and styles cannot read the session. Requests go to
 * this origin only (the API is proxied at /graphql, the WebSocket included). No framing at all.
 */
export function contentSecurityPolicy({ nonce, https, dev }: PolicyOptions): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ];
  return directives.join('; ');
}

/** A nonce: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** Two years, as the HSTS preload list asks; only sent over https by a production build. */
export const HSTS = 'max-age=63072000; includeSubDomains';

/** Headers every response carries (next.config.ts), pages or static files. */
export const STATIC_SECURITY_HEADERS: ReadonlyArray<{ key: string; value: string }> = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  // Older browsers that ignore CSP's frame-ancestors.
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
];

/** Whether the request came over https: the connection, or the proxy in front (X-Forwarded-Proto). */
export function requestIsHttps(url: URL, headers: Headers): boolean {
  const forwarded = headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  return forwarded ? forwarded === 'https' : url.protocol === 'https:';
}
