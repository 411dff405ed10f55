import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient, type Prisma } from './generated/prisma/client.js';
import { DB_ROLES, scopeSetting, scopeStatement, type DbRole } from './row-security.js';
import { batchWithinScopes } from './scoped-batching.js';
import { canScopeInline, queryScoped } from './scoped-query.js';

/** The process-wide client (one connection pool). */
export type Db = PrismaClient;

/** What a repository runs its queries on: the client, or the `tx` of an interactive transaction. */
export type DbClient = PrismaClient | Prisma.TransactionClient;

export interface PrismaClientOptions {
  /** Connections in this process's pool (pg's default is 10). */
  poolMax?: number;
  /**
   * Connections the pool keeps once opened, however long they sit idle (pg closes an idle one
   * after 10 s by default). The API keeps them all: a burst that finds the pool shrunk opens
   * connections on the request path, and a new connection's first statements cost its backend
   * start, its role, cold catalog caches and the preparation of every statement anew.
   */
  poolMin?: number;
  /** `application_name` of the connections (what `pg_stat_activity` shows for them). */
  applicationName?: string;
  /**
   * The Postgres role the process works as (row-security.ts): `tower_app` for the API, whose
   * statements then carry the caller's tenant. Without it the login role is used as is: the
   * scheduler and the workers, which work across tenants as the tables' owner, tests, tools.
   */
  role?: DbRole;
  /**
   * Take `role` at connect (`SET ROLE`, sent as a startup option). false when the login role's
   * sessions already start in it (`ALTER ROLE … SET role = …`): a pooler in transaction mode
   * (PgBouncer) forwards no startup options. Default true.
   */
  setRole?: boolean;
}

const pools = new WeakMap<object, pg.Pool>();

/**
 * A Prisma client on the pg driver adapter (Prisma 7 has no built-in driver). The pg pool is the
 * process's own and is shared with `sqlOf` (the engine's hot path), so both count against one
 * connection budget; `$disconnect()` ends it.
 */
export function createPrismaClient(databaseUrl: string, opts: PrismaClientOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: opts.poolMax ?? 10,
    ...(opts.poolMin ? { min: opts.poolMin } : {}),
    ...(opts.applicationName ? { application_name: opts.applicationName } : {}),
    ...(opts.role && opts.setRole !== false ? { options: `-c role=${opts.role}` } : {}),
  });
  if (opts.role === DB_ROLES.app) scopeStatements(pool);
  // An idle connection that breaks (server restart) is dropped by the pool; the next query reports.
  pool.on('error', () => undefined);
  // So is one that breaks while checked out between two statements (an open transaction waiting
  // on its caller): pg emits that on the client, where no one listens, and an unhandled 'error'
  // event ends the process. Its next statement fails instead, and the pool discards it on release.
  pool.on('connect', (conn) => conn.on('error', () => undefined));
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  // Tower's transactions are short compare-and-sets; Prisma's 5 s default expires them (P2028)
  // only when the machine is overloaded, and an expired one is rolled back — wait longer instead.
  const client = new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 30_000 } });
  // Prisma batches calls of one tick across callers: each batch must stay in its callers' scope.
  if (opts.role === DB_ROLES.app) batchWithinScopes(client);
  pools.set(client, pool);
  return client;
}

const BEGIN_ONLY = /^\s*BEGIN\s*$/i;
const STARTS_TRANSACTION = /^\s*BEGIN\b/i;
const SCOPED = Symbol('tower.scoped');
type QueryArgs = Parameters<pg.PoolClient['query']>;

const textOf = (config: unknown): string | undefined =>
  typeof config === 'string' ? config : typeof config === 'object' && config && 'text' in config ? String((config as { text: unknown }).text) : undefined;

/**
 * The API's pool: every statement carries the database scope of the code that sends it
 * (row-security.ts). A statement outside a transaction with parameters (nearly all) is sent with
 * the scope's `set_config(…, true)` in its own round trip and implicit transaction
 * (scoped-query.ts); one without parameters in an explicit one — BEGIN and the setting in one
 * round trip, the statement, COMMIT — since the setting lasts one transaction; a
 * transaction opened with a bare `BEGIN` (Prisma's) gets the setting in the same round trip;
 * `Sql.transaction` and `Sql.flushed` put it in their own first round trip. Callback-style calls
 * (none in Tower) go through unchanged.
 */
function scopeStatements(pool: pg.Pool): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => {
    const [config, values] = args;
    const setting = scopeSetting();
    const text = textOf(config);
    if (!setting || args.some((a) => typeof a === 'function') || (text !== undefined && STARTS_TRANSACTION.test(text))) return query(...args);
    // One statement with parameters: the setting in the statement's own round trip and implicit
    // transaction, which its Sync ends whatever happened (nothing to roll back).
    if (canScopeInline(config) && values === undefined) {
      return onConnection(pool, (client, state) => {
        state.committed = true;
        return queryScoped(client, config, setting);
      });
    }
    return inTransaction(pool, scopeStatement(setting), (client) => client.query(config as pg.QueryConfig, values as unknown[] | undefined));
  }) as typeof pool.query;
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  pool.connect = ((...args: unknown[]) => {
    if (args.length) return connect(...args);
    return (connect() as Promise<pg.PoolClient>).then(scopeTransactions);
  }) as typeof pool.connect;
}

function scopeTransactions(client: pg.PoolClient): pg.PoolClient {
  const marked = client as pg.PoolClient & { [SCOPED]?: true };
  if (marked[SCOPED]) return client;
  marked[SCOPED] = true;
  // The class's method, looked up at each call (not bound once): what wraps pg.Client#query later
  // (the statement-counting tests) still sees every statement of a scoped connection.
  const proto = Object.getPrototypeOf(client) as { query: (...args: unknown[]) => unknown };
  const query = (...args: unknown[]) => proto.query.apply(client, args);
  client.query = ((...args: QueryArgs) => {
    const [config] = args;
    const scope = scopeStatement();
    const text = textOf(config);
    if (scope && text !== undefined && BEGIN_ONLY.test(text) && typeof config === 'object') {
      return query({ ...(config as pg.QueryConfig), text: `BEGIN; ${scope}` }, ...args.slice(1));
    }
    return query(...args);
  }) as typeof client.query;
  return client;
}

async function inTransaction<T>(pool: pg.Pool, scope: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return onConnection(pool, async (client, state) => {
    await client.query(`BEGIN; ${scope}`);
    const out = await fn(client);
    await client.query('COMMIT');
    state.committed = true;
    return out;
  });
}

/**
 * `fn` on a connection of `pool`, which it runs a transaction on: if `fn` throws before it marked
 * the transaction committed (or as needing no ROLLBACK), ROLLBACK; a connection that cannot even
 * do that is discarded (as is one whose socket broke: pg's pool drops a client no longer queryable).
 */
async function onConnection<T>(pool: pg.Pool, fn: (client: pg.PoolClient, state: { committed: boolean }) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const state = { committed: false };
  let broken = false;
  try {
    return await fn(client, state);
  } catch (err) {
    if (!state.committed) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

/** The connections of a client's pool (createPrismaClient's), for the process's metrics. */
export interface PoolStats {
  total: number;
  idle: number;
  /** Callers waiting for a connection: the pool is exhausted. */
  waiting: number;
  max: number;
}

export function poolStatsOf(db: Db): PoolStats | null {
  const pool = pools.get(db);
  if (!pool) return null;
  return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 };
}

/** Runs one SQL statement with positional parameters ($1, $2, …) and returns its rows. */
export type SqlQuery = <T = Record<string, unknown>>(text: string, values?: readonly unknown[]) => Promise<T[]>;

/**
 * Plain SQL on the client's pool, without Prisma's query layer: for the engine's hot path, whose
 * statements are set-based SQL written by hand (Prisma's per-call overhead dominated the CPU cost
 * of a task). Rows come back as node-postgres parses them: timestamptz → Date, json(b) → values,
 * int4 → number, uuid and enums → string (cast counts to int).
 */
export interface Sql {
  query: SqlQuery;
  /**
   * BEGIN … COMMIT on one connection (ROLLBACK if `fn` throws), handed to `fn` as `tx`: what runs
   * in the transaction takes the handle, never the pool. `lockKeys`: transaction-level advisory
   * locks (`pg_advisory_xact_lock(hashtext(key))`) taken in the given order, sent with BEGIN in
   * the same round trip. Durability is the option `asyncCommit`, which always applies: there is
   * one backend, the pool's.
   */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /**
   * A durability barrier: resolves once every commit this process has seen return — asynchronous
   * ones (`asyncCommit`) included — is flushed to the WAL on disk. It commits a transaction of its
   * own synchronously (writing FLUSH_BARRIER's record); the WAL is one sequence, so that flush carries every
   * earlier commit with it. `check` (a read without parameters, values inlined) runs in that
   * transaction and its rows are returned: what it sees is durable once the barrier resolves — even
   * across a crash of the server in between, when the WAL is no longer one sequence with what came
   * before, which is why a caller should check for what it wants durable rather than assume it.
   */
  flushed(check?: string): Promise<Array<Record<string, unknown>>>;
}

/** An open transaction on one connection (Sql.transaction). */
export interface SqlTx {
  /** A statement in the transaction. */
  query: SqlQuery;
  /** The rows of `TransactionOptions.first`, run with BEGIN ([] without it). */
  first: Array<Record<string, unknown>>;
  /**
   * The transaction's last statement and its COMMIT in one round trip (values inlined as
   * literals, `inlineSql`). Nothing may be sent after it; if the statement fails, nothing of the
   * transaction is kept.
   */
  commitWith: SqlQuery;
}

export interface TransactionOptions {
  /** Transaction-level advisory locks, `pg_advisory_xact_lock(hashtext(key))`, taken in this order. */
  lockKeys?: readonly string[];
  /**
   * A first statement without parameters (values inlined with `sqlLiteral`), run after the locks in
   * the same round trip as BEGIN; its rows are handed to the callback.
   */
  first?: string;
  /**
   * Commit without waiting for the WAL flush (`SET LOCAL synchronous_commit = off`, sent with
   * BEGIN). Only for state the engine rebuilds by itself if a database crash loses the last commits
   * (its sweeps: run starts, queueing, scheduled run creation) — never for a try's claim or end,
   * which precede and record work done outside the database. The transaction is visible to other
   * sessions at once, and the WAL is one sequence: the next synchronous commit of any session
   * (a claim, say) makes it durable with its own.
   */
  asyncCommit?: boolean;
}

/** A value as an SQL literal (quotes escaped), for statements sent without parameters. */
export const sqlLiteral = (value: string): string => pg.escapeLiteral(value);

function literalOf(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot inline ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return sqlLiteral(value.toISOString());
  if (Array.isArray(value)) return `ARRAY[${value.map(literalOf).join(', ')}]`;
  if (typeof value === 'string') return sqlLiteral(value);
  return sqlLiteral(JSON.stringify(value));
}

/**
 * A statement with its parameters ($1, $2, …) replaced by escaped literals, for the simple
 * protocol (several statements in one round trip). Meant for Tower's constant statement texts:
 * every `$n` of the text is a parameter (none inside string literals), and each carries its cast
 * (`$1::uuid[]`), which the literal keeps — an empty array becomes `ARRAY[]::uuid[]`.
 */
export function inlineSql(text: string, values: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= values.length) throw new Error(`inlineSql: no value for $${n}`);
    return literalOf(values[i]);
  });
}

/** The locks in the order of their hashes (what is locked): two transactions never wait on each other. */
const lockSql = (keys: readonly string[], literal: (s: string) => string) =>
  keys.length
    ? `SELECT count(pg_advisory_xact_lock(h))::int AS locked FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest(ARRAY[${keys.map(literal).join(', ')}]::text[]) AS k ORDER BY 1) AS l`
    : '';

const sqls = new WeakMap<object, Sql>();

/**
 * `Sql.flushed`. A synchronous commit waits for the flush only if its transaction wrote WAL before
 * the commit record (one that merely took a transaction id commits without waiting), so the
 * barrier writes one small record of its own: a transactional logical-decoding message, which
 * touches no table (no row to contend on) and which decoders that do not know its prefix ignore.
 */
const FLUSH_BARRIER = `SELECT pg_logical_emit_message(true, 'tower.flush', '')::text AS lsn`;

/**
 * Statements with parameters run as named prepared statements: Postgres parses and plans each
 * once per connection instead of on every call (that was a third of its CPU on the hot path).
 * Their texts are constants (values always go in parameters), so the names are few; a cap keeps
 * a text built at run time from growing every connection's statement cache. After a migration
 * changed a table under a prepared `RETURNING *`, Postgres refuses the old plan ("cached plan must
 * not change result type"): the generation moves on, so every statement is prepared afresh.
 */
const MAX_PREPARED = 256;
const preparedNames = new Map<string, string>();
let generation = 0;

function statement(text: string, values: readonly unknown[]): pg.QueryConfig {
  if (values.length === 0) return { text };
  let name = preparedNames.get(text);
  if (!name && preparedNames.size < MAX_PREPARED) {
    name = `tower_${generation}_${preparedNames.size}`;
    preparedNames.set(text, name);
  }
  return { text, values: values as unknown[], ...(name ? { name } : {}) };
}

const isStalePlan = (err: unknown) => (err as { code?: string }).code === '0A000' && /cached plan/.test(String((err as Error).message));

async function run(client: pg.Pool | pg.PoolClient, text: string, values: readonly unknown[]): Promise<pg.QueryResult> {
  try {
    return await client.query(statement(text, values));
  } catch (err) {
    if (!isStalePlan(err)) throw err;
    generation++;
    preparedNames.clear();
    throw err;
  }
}

/**
 * The SQL layer of a client made by `createPrismaClient`, on its pool. There is no other backend:
 * a Prisma transaction's client (or any client without Tower's pool) is refused, so no option of
 * a statement or transaction (`asyncCommit`, the prepared statements) is ever silently dropped.
 * Work that must commit together runs in one `Sql.transaction` and passes its `tx` along.
 */
export function sqlOf(db: Db): Sql {
  let sql = sqls.get(db);
  if (sql) return sql;
  const pool = pools.get(db);
  if (!pool) throw new Error('sqlOf needs the client createPrismaClient made (a Prisma transaction has no SQL layer: use Sql.transaction)');
  sql = {
    query: async <T>(text: string, values: readonly unknown[] = []) => {
      try {
        return (await run(pool, text, values)).rows as T[];
      } catch (err) {
        // Outside a transaction a statement refused for a stale plan is simply sent again.
        if (isStalePlan(err)) return (await run(pool, text, values)).rows as T[];
        throw err;
      }
    },
    transaction<T>(fn: (tx: SqlTx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
      return onConnection(pool, async (client, state) => {
        // One simple-protocol round trip for BEGIN, the locks and the first statement (no
        // parameters: keys and values are escaped literals).
        const statements = [
          'BEGIN',
          scopeStatement(),
          opts.asyncCommit ? 'SET LOCAL synchronous_commit = off' : '',
          lockSql(opts.lockKeys ?? [], sqlLiteral),
          opts.first ?? '',
        ].filter(Boolean);
        const results = (await client.query(statements.join('; '))) as unknown as pg.QueryResult | pg.QueryResult[];
        const first = opts.first && Array.isArray(results) ? (results[results.length - 1].rows as Array<Record<string, unknown>>) : [];
        const commitWith = async <R>(text: string, values: readonly unknown[] = []): Promise<R[]> => {
          const [last] = (await client.query(`${inlineSql(text, values)}; COMMIT`)) as unknown as pg.QueryResult[];
          state.committed = true;
          return last.rows as R[];
        };
        const query = async <R>(text: string, values: readonly unknown[] = []) => (await run(client, text, values)).rows as R[];
        const out = await fn({ query, first, commitWith });
        if (!state.committed) await client.query('COMMIT');
        return out;
      });
    },
    async flushed(check) {
      const statements = ['BEGIN', scopeStatement(), 'SET LOCAL synchronous_commit = on', check ?? 'SELECT 1', FLUSH_BARRIER, 'COMMIT'].filter(Boolean);
      const results = (await pool.query(statements.join('; '))) as unknown as pg.QueryResult[];
      return check ? (results[statements.length - 3].rows as Array<Record<string, unknown>>) : [];
    },
  };
  sqls.set(db, sql);
  return sql;
}
