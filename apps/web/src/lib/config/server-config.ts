/**
 * The web app's configuration, read from the environment at request time on the server.
 * This is the only module that reads `process.env`; the root layout hands the result to the client
 * (NEXT_PUBLIC_* variables would be frozen into the bundle at build time, which breaks a prebuilt app).
 */
import type { RuntimeConfig } from './runtime-config';

export function readRuntimeConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const raw = env.TOWER_API_URL?.trim();
  const demoFileDrop = Boolean(env.TOWER_DEMO_S3_ENDPOINT?.trim());
  if (!raw) return { apiUrl: null, demoFileDrop };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`TOWER_API_URL must be an absolute http(s) URL such as http://api.example.com:4000/graphql, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`TOWER_API_URL must use http or https (the WebSocket URL is derived from it), got "${raw}"`);
  }
  return { apiUrl: url.toString(), demoFileDrop };
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
  return { enabled: s3Endpoint !== '', s3Endpoint, root: process.cwd(), apiUrl: readRuntimeConfig(env).apiUrl ?? 'http://127.0.0.1:4000/graphql' };
}
