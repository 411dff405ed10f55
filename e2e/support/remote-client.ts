import { Worker } from 'node:worker_threads';
import type { PostFromRequest } from '../../apps/api/test/support/post-from.mjs';
import type { GqlError } from './graphql.js';

/** One request of a remote client, sent with postFrom from `localAddress` (the client knows the URL). */
export type RemoteRequest = Omit<PostFromRequest, 'url' | 'body'>;

/** What came back, and how long the remote client waited for it (request sent → response parsed). */
export interface RemoteResult<T = Record<string, unknown>> {
  ms: number;
  response: { data?: T | null; errors?: GqlError[]; status: number; retryAfter: string | null };
}

type Reply = { id: number; results?: RemoteResult[]; error?: string };

/**
 * A client on its own thread (remote-client.worker.mjs), standing for another machine: building,
 * sending and parsing its requests does not take the thread of the test that measures another
 * client's latency. Batches are loaded (and serialized) ahead of time, then run on demand.
 */
export class RemoteClient {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: RemoteResult[]) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly worker: Worker,
    private readonly url: string,
  ) {
    worker.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.error !== undefined) waiting?.reject(new Error(`remote client: ${reply.error}`));
      else waiting?.resolve(reply.results ?? []);
    });
    worker.on('error', (err) => {
      for (const waiting of this.pending.values()) waiting.reject(err);
      this.pending.clear();
    });
  }

  static start(url: string): RemoteClient {
    return new RemoteClient(new Worker(new URL('./remote-client.worker.mjs', import.meta.url)), url);
  }

  /** Hands the worker a batch to send later: in parallel (all at once) or one after another. */
  async load(name: string, requests: RemoteRequest[], { parallel }: { parallel: boolean }): Promise<void> {
    await this.call({ kind: 'load', name, parallel, requests: requests.map((r) => ({ ...r, url: this.url })) });
  }

  /** Sends a loaded batch; the results in the batch's order. */
  run<T = Record<string, unknown>>(name: string): Promise<RemoteResult<T>[]> {
    return this.call({ kind: 'run', name }) as Promise<RemoteResult<T>[]>;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private call(msg: Record<string, unknown>): Promise<RemoteResult[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id });
    });
  }
}
