import type snowflake from 'snowflake-sdk';
import { OperatorError, type ResolvedConnection } from '../operator.js';
import type { SnowflakeBind } from './binds.js';
import { loadSnowflakeDriver } from './driver.js';
import { SnowflakeOperatorError, toSnowflakeError } from './errors.js';

export type SnowflakeRow = Record<string, unknown>;

/** The `config` of a snowflake connection (see ResolvedConnection). */
export interface SnowflakeConnectionConfig {
  account: string;
  user: string;
  role?: string;
  warehouse?: string;
  database?: string;
  schema?: string;
  /** Full URL of the service (a private link, or the Snowflake emulator in tests and demos). */
  accessUrl?: string;
}

export interface ExecuteOptions {
  /** Prefix of the error message ("COPY INTO RAW.SALES"); default "Snowflake statement". */
  label?: string;
  /** More values to mask in error messages (e.g. the S3 keys inside a COPY). */
  secrets?: readonly (string | undefined)[];
}

export interface SnowflakeSession {
  /** Runs one statement and resolves with all its rows (as objects keyed by column name). */
  execute(sql: string, binds?: readonly SnowflakeBind[], opts?: ExecuteOptions): Promise<SnowflakeRow[]>;
  /** Runs one statement, fetching only its first `limit` rows; `rowCount` is the full count. */
  executeHead(
    sql: string,
    binds: readonly SnowflakeBind[] | undefined,
    limit: number,
    opts?: ExecuteOptions,
  ): Promise<{ rows: SnowflakeRow[]; rowCount: number }>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Aborting cancels the running statement and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Gives up logging in after this long (default 60 s): the driver itself retries for minutes. */
  loginTimeoutMs?: number;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function snowflakeConfig(conn: ResolvedConnection): SnowflakeConnectionConfig {
  if (conn.type !== 'snowflake') throw new OperatorError(`connection ${conn.connId} is of type ${conn.type}, not snowflake`, false);
  const c = conn.config;
  const account = str(c.account);
  const user = str(c.user);
  if (!account || !user) throw new OperatorError(`snowflake connection ${conn.connId} needs config.account and config.user`, false);
  return { account, user, role: str(c.role), warehouse: str(c.warehouse), database: str(c.database), schema: str(c.schema), accessUrl: str(c.accessUrl) };
}

/** Driver options: key-pair (SNOWFLAKE_JWT) when a private key is stored, else the password. */
function driverOptions(conn: ResolvedConnection): snowflake.ConnectionOptions {
  const cfg = snowflakeConfig(conn);
  const { password, privateKey, privateKeyPassphrase } = conn.secrets;
  const base: snowflake.ConnectionOptions = {
    account: cfg.account,
    username: cfg.user,
    ...(cfg.role && { role: cfg.role }),
    ...(cfg.warehouse && { warehouse: cfg.warehouse }),
    ...(cfg.database && { database: cfg.database }),
    ...(cfg.schema && { schema: cfg.schema }),
    ...(cfg.accessUrl && { accessUrl: cfg.accessUrl }),
    sfRetryMaxLoginRetries: 3,
  };
  if (privateKey) {
    // Keys pasted into a form often arrive with literal "\n" sequences instead of newlines.
    const pem = privateKey.includes('\n') ? privateKey : privateKey.replace(/\\n/g, '\n');
    return { ...base, authenticator: 'SNOWFLAKE_JWT', privateKey: pem, ...(privateKeyPassphrase && { privateKeyPass: privateKeyPassphrase }) };
  }
  if (password) return { ...base, password };
  throw new OperatorError(`snowflake connection ${conn.connId} has neither a password nor a privateKey secret`, false);
}

function destroy(connection: snowflake.Connection): Promise<void> {
  return new Promise((resolve) => connection.destroy(() => resolve()));
}

/** Logs in to Snowflake with a tenant connection. Errors are SnowflakeOperatorErrors without secrets. */
export async function connectSnowflake(conn: ResolvedConnection, opts: ConnectOptions = {}): Promise<SnowflakeSession> {
  const secrets = Object.values(conn.secrets);
  const options = driverOptions(conn);
  const connection = (await loadSnowflakeDriver()).createConnection(options);
  const timeoutMs = opts.loginTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new SnowflakeOperatorError(`Snowflake login to ${conn.connId} timed out after ${timeoutMs} ms`, true)), timeoutMs);
      const onAbort = () => reject(opts.signal?.reason ?? new Error('aborted'));
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      connection.connect((err) => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) reject(toSnowflakeError(err, `Snowflake login to ${conn.connId} as ${snowflakeConfig(conn).user} failed`, secrets));
        else resolve();
      });
    });
  } catch (err) {
    await destroy(connection);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return new DriverSession(connection, secrets, opts.signal);
}

class DriverSession implements SnowflakeSession {
  constructor(
    private readonly connection: snowflake.Connection,
    private readonly secrets: string[],
    private readonly signal?: AbortSignal,
  ) {}

  async execute(sql: string, binds?: readonly SnowflakeBind[], opts: ExecuteOptions = {}): Promise<SnowflakeRow[]> {
    return this.run(sql, binds, opts, false, (_stmt, rows, resolve) => resolve((rows ?? []) as SnowflakeRow[]));
  }

  async executeHead(sql: string, binds: readonly SnowflakeBind[] | undefined, limit: number, opts: ExecuteOptions = {}) {
    return this.run<{ rows: SnowflakeRow[]; rowCount: number }>(sql, binds, opts, true, (stmt, _rows, resolve, reject) => {
      const rowCount = (stmt as snowflake.RowStatement).getNumRows();
      const end = Math.min(rowCount, limit);
      if (end <= 0) return resolve({ rows: [], rowCount });
      const rows: SnowflakeRow[] = [];
      (stmt as snowflake.RowStatement)
        .streamRows({ start: 0, end: end - 1 })
        .on('data', (row: SnowflakeRow) => rows.push(row))
        .on('error', reject)
        .on('end', () => resolve({ rows, rowCount }));
    });
  }

  close(): Promise<void> {
    return destroy(this.connection);
  }

  private run<T>(
    sql: string,
    binds: readonly SnowflakeBind[] | undefined,
    opts: ExecuteOptions,
    streamResult: boolean,
    onComplete: (
      stmt: snowflake.RowStatement | snowflake.FileAndStageBindStatement,
      rows: unknown[] | undefined,
      resolve: (v: T) => void,
      reject: (e: unknown) => void,
    ) => void,
  ): Promise<T> {
    const what = opts.label ?? 'Snowflake statement';
    const secrets = [...this.secrets, ...(opts.secrets ?? [])];
    return new Promise<T>((resolve, reject) => {
      if (this.signal?.aborted) return reject(this.signal.reason ?? new Error('aborted'));
      const fail = (err: unknown) => {
        this.signal?.removeEventListener('abort', onAbort);
        reject(toSnowflakeError(err, `${what} failed`, secrets));
      };
      const done = (value: T) => {
        this.signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const stmt = this.connection.execute({
        sqlText: sql,
        ...(binds && binds.length > 0 && { binds: binds as snowflake.Binds }),
        streamResult,
        complete: (err, statement, rows) => (err ? fail(err) : onComplete(statement, rows, done, fail)),
      });
      const onAbort = () => {
        stmt.cancel(() => undefined);
        reject(this.signal?.reason ?? new Error('aborted'));
      };
      this.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/**
 * Logs in and runs `select 1`: the connection test of the API. Never throws; the message names
 * Snowflake's error code and text, never a secret.
 */
export async function testSnowflakeConnection(conn: ResolvedConnection, opts: { timeoutMs?: number } = {}): Promise<{ ok: boolean; message: string }> {
  let session: SnowflakeSession | undefined;
  try {
    session = await connectSnowflake(conn, { loginTimeoutMs: opts.timeoutMs ?? 20_000 });
    await session.execute('select 1', undefined, { label: 'select 1' });
    const cfg = snowflakeConfig(conn);
    return { ok: true, message: `logged in to Snowflake account ${cfg.account} as ${cfg.user}` };
  } catch (err) {
    const message = err instanceof OperatorError ? err.message : toSnowflakeError(err, 'Snowflake connection test failed', Object.values(conn.secrets)).message;
    return { ok: false, message };
  } finally {
    await session?.close().catch(() => undefined);
  }
}
