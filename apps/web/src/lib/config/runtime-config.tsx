'use client';

import { createContext, useContext, type ReactNode } from 'react';

/** What the server tells the browser at request time. */
export interface RuntimeConfig {
  /** The demo's "Drop a sample file" button is shown (npm start's local S3 is there). */
  demoFileDrop?: boolean;
}

export interface ApiEndpoints {
  httpUrl: string;
  wsUrl: string;
}

const RuntimeConfigContext = createContext<RuntimeConfig>({});

export function RuntimeConfigProvider({ value, children }: { value: RuntimeConfig; children: ReactNode }) {
  return <RuntimeConfigContext.Provider value={value}>{children}</RuntimeConfigContext.Provider>;
}

export function useRuntimeConfig(): RuntimeConfig {
  return useContext(RuntimeConfigContext);
}

/**
 * Browser only. The API is reached through this origin (`/graphql`, HTTP and graphql-ws, proxied
 * by the web server to TOWER_API_URL): the session cookie stays first-party and CSP's
 * `connect-src 'self'` holds.
 */
export function resolveEndpoints(location: Pick<Location, 'host' | 'protocol'> = window.location): ApiEndpoints {
  const secure = location.protocol === 'https:';
  return { httpUrl: `${secure ? 'https' : 'http'}://${location.host}/graphql`, wsUrl: `${secure ? 'wss' : 'ws'}://${location.host}/graphql` };
}
