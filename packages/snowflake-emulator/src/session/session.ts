import { randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent } from '../sql/lexer.js';
import { type SessionKey, setSessionValueSql } from '../engine/session-macros.js';
import { INTERNAL_SCHEMA } from '../engine/duck-engine.js';

export interface SessionIdentity {
  account: string;
  user: string;
  role: string;
  warehouse: string | null;
  clientApp: string;
}

/**
 * One Snowflake session: its tokens, its current database/schema and its own DuckDB connection.
 * Statements of a session run one at a time (as on a single Snowflake session), which also keeps
 * the DuckDB connection from being used concurrently.
 */
export class Session {
  readonly token = randomBytes(24).toString('hex');
  readonly masterToken = randomBytes(24).toString('hex');
  database: string | null = null;
  /** An explicit BEGIN is open (statements then run inside the client's transaction). */
  inTransaction = false;
  schema: string | null = null;
  /** Session parameters set by the client at login or with ALTER SESSION. */
  readonly parameters = new Map<string, string>();
  /** Tables created as TEMPORARY, dropped when the session ends (DuckDB temp tables cannot be qualified). */
  readonly temporaryTables: string[][] = [];
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly id: number,
    readonly identity: SessionIdentity,
    readonly conn: DuckDBConnection,
    private readonly systemCatalog: string,
  ) {}

  /** Runs `work` after every statement queued before it on this session. */
  serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  async init(): Promise<void> {
    const values: Array<[SessionKey, string | null]> = [
      ['USER', this.identity.user],
      ['ACCOUNT', this.identity.account],
      ['ROLE', this.identity.role],
      ['WAREHOUSE', this.identity.warehouse],
      ['SESSION', String(this.id)],
      ['REGION', 'LOCAL_EMULATOR'],
      ['CLIENT', this.identity.clientApp],
    ];
    for (const [k, v] of values) await this.conn.run(setSessionValueSql(k, v));
    await this.applyContext();
  }

  async setValue(key: SessionKey, value: string | null): Promise<void> {
    if (key === 'WAREHOUSE') this.identity.warehouse = value;
    if (key === 'ROLE') this.identity.role = value ?? this.identity.role;
    await this.conn.run(setSessionValueSql(key, value));
  }

  /** Points DuckDB's default catalog/schema at the session's current database and schema. */
  async use(database: string | null, schema: string | null): Promise<void> {
    this.database = database;
    this.schema = database ? schema : null;
    await this.applyContext();
  }

  /** Resolves a 1-3 part Snowflake name against the current database and schema. */
  qualify(parts: string[]): { database: string | null; schema: string | null; name: string } {
    const name = parts[parts.length - 1];
    if (parts.length >= 3) return { database: parts[parts.length - 3], schema: parts[parts.length - 2], name };
    if (parts.length === 2) return { database: this.database, schema: parts[0], name };
    return { database: this.database, schema: this.schema, name };
  }

  private async applyContext(): Promise<void> {
    await this.conn.run(setSessionValueSql('DATABASE', this.database));
    await this.conn.run(setSessionValueSql('SCHEMA', this.schema));
    // Without a current database, unqualified names resolve into the emulator's internal schema,
    // where user objects cannot exist; the executor refuses to create objects there.
    const target = this.database
      ? `${quoteIdent(this.database)}.${quoteIdent(this.schema ?? 'main')}`
      : `${quoteIdent(this.systemCatalog)}.${quoteIdent(INTERNAL_SCHEMA)}`;
    await this.conn.run(`USE ${target}`);
  }
}
