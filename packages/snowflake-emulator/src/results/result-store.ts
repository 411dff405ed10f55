import { randomBytes } from 'node:crypto';
import type { SnowflakeError } from '../errors/snowflake-error.js';
import type { QueryResult } from './query-result.js';

export type QueryStatus = 'RUNNING' | 'SUCCESS' | 'FAILED_WITH_ERROR';

export interface StoredQuery {
  queryId: string;
  sessionId: number;
  sqlText: string;
  status: QueryStatus;
  /** Settles when the query finishes (async queries are polled while RUNNING). */
  done: Promise<void>;
  result?: QueryResult;
  /** Session context at completion, echoed in the response as final*Name. */
  context?: { database: string | null; schema: string | null; warehouse: string | null; role: string };
  error?: SnowflakeError;
  /** Child query ids of a multi-statement request. */
  resultIds?: string[];
  /** Unguessable part of the chunk URLs: the SDK fetches chunks without its session token. */
  chunkKey: string;
  startedAt: number;
  endedAt?: number;
}

const MAX_QUERIES = 256;
const TTL_MS = 30 * 60_000;

/**
 * Recent queries and their results, for /queries/{id}/result, /monitoring/queries/{id} and the
 * result chunk URLs. Bounded by count and age: Snowflake keeps results for 24h, an emulator
 * serving tests only needs them while the client streams.
 */
export class ResultStore {
  private readonly queries = new Map<string, StoredQuery>();

  start(queryId: string, sessionId: number, sqlText: string, run: (q: StoredQuery) => Promise<void>): StoredQuery {
    this.evict();
    const stored: StoredQuery = {
      queryId,
      sessionId,
      sqlText,
      status: 'RUNNING',
      done: Promise.resolve(),
      chunkKey: randomBytes(16).toString('hex'),
      startedAt: Date.now(),
    };
    this.queries.set(queryId, stored);
    stored.done = run(stored).finally(() => {
      stored.endedAt = Date.now();
    });
    return stored;
  }

  get(queryId: string): StoredQuery | undefined {
    return this.queries.get(queryId);
  }

  chunk(queryId: string, index: number, key: string): string | undefined {
    const q = this.queries.get(queryId);
    if (!q || q.chunkKey !== key) return undefined;
    return q.result?.chunks[index]?.text;
  }

  private evict(): void {
    const now = Date.now();
    for (const [id, q] of this.queries) {
      if (q.status !== 'RUNNING' && (now - q.startedAt > TTL_MS || this.queries.size > MAX_QUERIES)) this.queries.delete(id);
    }
  }
}
