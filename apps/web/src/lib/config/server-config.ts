/**
 * The web app's configuration, read from the environment at request time on the server.
 * This is the only module that reads `process.env`; the root layout hands the browser's part to the
 * client (NEXT_PUBLIC_* variables would be frozen into the bundle at build time, which breaks a
 * prebuilt app), and the proxy (src/proxy.ts) reads where the API is.
 */
import type { RuntimeConfig } from './runtime-config';

const DEFAULT_API_URL = 'http://127.0.0.1:4000/graphql';

export function readRuntimeConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  return { demoFileDrop: Boolean(env.TOWER_DEMO_S3_ENDPOINT?.trim()) };
}

/** Where the browser's same-origin `/graphql` and `/auth/logout` are forwarded (the server side only). */
export interface ApiUpstream {
  /** The API's GraphQL endpoint (HTTP and graphql-ws), from TOWER_API_URL. */
  graphqlUrl: string;
  /** The API's sign-out endpoint (clears the session cookie). */
  logoutUrl: string;
}

export function readApiUpstream(env: NodeJS.ProcessEnv = process.env): ApiUpstream {
  const raw = env.TOWER_API_URL?.trim() || DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`TOWER_API_URL must be an absolute http(s) URL such as http://api.internal:4000/graphql, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`TOWER_API_URL must use http or https (graphql-ws is proxied to the same address), got "${raw}"`);
  }
  return { graphqlUrl: url.toString(), logoutUrl: new URL('/auth/logout', url).toString() };
}

export interface DemoConfig {
  enabled: boolean;
  s3Endpoint: string;
  /** The repository root, where `scripts/demo-drop-file.mjs` lives (the web server runs from it). */
  root: string;
  apiUrl: string;
}

/** The demo's local S3, set by `npm start`; unset in any real deployment (the drop button is hidden). */
export function readDemoConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const s3Endpoint = env.TOWER_DEMO_S3_ENDPOINT?.trim() ?? '';
  return { enabled: s3Endpoint !== '', s3Endpoint, root: process.cwd(), apiUrl: readApiUpstream(env).graphqlUrl };
}

/**
 * `next dev` (NODE_ENV=development): CSP allows eval for React's debugging and HSTS is not sent.
 * Anything else is a built app (`next start` sets production; a test runner may pass its own value).
 */
export function isDevelopment(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV === 'development';
}
