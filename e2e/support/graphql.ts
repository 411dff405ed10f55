import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface GqlError {
  message: string;
  path?: string[];
  extensions?: { code?: string; [k: string]: unknown };
}

export class GqlClient {
  constructor(
    readonly url: string,
    public token?: string,
  ) {}

  /** Returns data and errors as the server sent them (for asserting on error codes). */
  async raw<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: GqlError[] }> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: T; errors?: GqlError[] };
  }

  /** Returns data; throws with the error codes when the server answered with errors. */
  async request<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const body = await this.raw<T>(query, variables);
    if (body.errors?.length) {
      throw new Error(body.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; '));
    }
    return body.data as T;
  }

  ws(): Client {
    return createClient({
      url: this.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: this.token ? { authorization: `Bearer ${this.token}` } : {},
      retryAttempts: 0,
      lazy: false,
    });
  }
}

/** Collects a subscription's payloads until stopped. */
export function collect<T>(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const items: T[] = [];
  const errors: unknown[] = [];
  let resolveComplete: () => void;
  const completed = new Promise<void>((r) => (resolveComplete = r));
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (v) => {
        if (v.data) items.push(v.data as T);
        if (v.errors) errors.push(...v.errors);
      },
      error: (e) => {
        errors.push(e);
        resolveComplete();
      },
      complete: () => resolveComplete(),
    },
  );
  return { items, errors, completed, dispose };
}

export async function signUp(url: string, name: string): Promise<{ client: GqlClient; tenantId: string; email: string }> {
  const email = `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.test`;
  const client = new GqlClient(url);
  const data = await client.request<{ signUp: { token: string; tenant: { id: string } } }>(
    'mutation($e:String!,$p:String!,$t:String!){ signUp(email:$e,password:$p,tenantName:$t){ token tenant { id } } }',
    { e: email, p: 'correct-horse-battery', t: `${name} org` },
  );
  client.token = data.signUp.token;
  return { client, tenantId: data.signUp.tenant.id, email };
}
