'use client';

import { createContext, useContext, type ReactNode } from 'react';

/** What the server tells the browser at request time. */
export interface RuntimeConfig {
  /** GraphQL HTTP endpoint; null = `http://<this page's hostname>:4000/graphql`. */
  apiUrl: string | null;
  /** The demo's "Drop a sample file" button is shown (npm start's local S3 is there). */
  demoFileDrop?: boolean;
}

export interface ApiEndpoints {
  httpUrl: string;
  wsUrl: string;
}

const RuntimeConfigContext = createContext<RuntimeConfig>({ apiUrl: null });

export function RuntimeConfigProvider({ value, children }: { value: RuntimeConfig; children: ReactNode }) {
  return <RuntimeConfigContext.Provider value={value}>{children}</RuntimeConfigContext.Provider>;
}

export function useRuntimeConfig(): RuntimeConfig {
  return useContext(RuntimeConfigContext);
}

/** Browser only: the default depends on the page's hostname. */
export function resolveEndpoints(config: RuntimeConfig, location: Pick<Location, 'hostname' | 'protocol'> = window.location): ApiEndpoints {
  const scheme = location.protocol === 'https:' ? 'https' : 'http';
  const httpUrl = config.apiUrl ?? `${scheme}://${location.hostname}:4000/graphql`;
  const wsUrl = httpUrl.replace(/^http(s?):/i, (_m, s: string) => `ws${s}:`);
  return { httpUrl, wsUrl };
}
