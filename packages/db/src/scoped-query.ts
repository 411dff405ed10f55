import pg from 'pg';
import type { ScopeSetting } from './row-security.js';

/** The prelude: one setting for the current transaction only (`is_local`), as SET LOCAL. */
const PRELUDE = 'SELECT set_config($1, $2, true)';

// pg's Query as the subclass sees it: the members it overrides or reads (pg's own JavaScript).
type PgConnection = unknown;
interface PgQuery {
  name?: string;
  requiresPreparation(): boolean;
  prepare(connection: PgConnection): void;
  handleDataRow(msg: unknown): void;
  handleCommandComplete(msg: unknown, connection: PgConnection): void;
}
type PgQueryClass = new (config: pg.QueryConfig) => PgQuery & NodeJS.EventEmitter;
interface ProtocolConnection {
  parse(msg: { text: string; name?: string; types?: unknown[] }): void;
  bind(msg: { portal?: string; statement?: string; values?: unknown[] }): void;
  execute(msg: { portal?: string; rows?: number }): void;
}

/**
 * One statement in its scope in one round trip (the extended protocol): Parse/Bind/Execute of
 * `set_config(name, value, true)`, then the statement's own Parse/Bind/Describe/Execute, then one
 * Sync. Everything before a Sync is one transaction (the protocol's implicit one), so the setting
 * holds for the statement and ends with it, exactly as `BEGIN; SET LOCAL …` / statement / `COMMIT`
 * did in three round trips. The prelude's row and command tag are not part of the result.
 *
 * Written here rather than taken from a library: node-postgres sends one statement per Sync and
 * has no pipelining; a Query subclass (its documented Submittable extension point) is the
 * smallest change that lets two statements share one.
 */
class ScopedQuery extends (pg.Query as unknown as PgQueryClass) {
  private preludeDone = false;
  private preparing = false;
  private readonly statementName: string | undefined;

  constructor(
    config: pg.QueryConfig,
    private readonly setting: ScopeSetting,
  ) {
    super(config);
    this.statementName = config.name;
    // pg's Client records `name` as parsed at every ParseComplete, and the prelude's comes first:
    // the statement's name shows only while its own messages are written and after the prelude.
    Object.defineProperty(this, 'name', {
      configurable: true,
      get: () => (this.preparing || this.preludeDone ? this.statementName : undefined),
      set: () => undefined,
    });
  }

  override requiresPreparation(): boolean {
    return true;
  }

  override prepare(connection: PgConnection): void {
    const conn = connection as ProtocolConnection;
    conn.parse({ text: PRELUDE, name: '', types: [] });
    conn.bind({ portal: '', statement: '', values: [this.setting.name, this.setting.value] });
    conn.execute({ portal: '', rows: 0 });
    this.preparing = true;
    try {
      super.prepare(connection);
    } finally {
      this.preparing = false;
    }
  }

  override handleDataRow(msg: unknown): void {
    if (this.preludeDone) super.handleDataRow(msg);
  }

  override handleCommandComplete(msg: unknown, connection: PgConnection): void {
    if (!this.preludeDone) {
      this.preludeDone = true;
      return;
    }
    super.handleCommandComplete(msg, connection);
  }
}

/** Whether `config` can run as a ScopedQuery: one statement with parameters (the extended protocol). */
export function canScopeInline(config: unknown): config is pg.QueryConfig & { values: unknown[] } {
  if (typeof config !== 'object' || config === null) return false;
  const c = config as pg.QueryConfig & { rows?: number; submit?: unknown };
  return typeof c.text === 'string' && Array.isArray(c.values) && c.values.length > 0 && !c.rows && typeof c.submit !== 'function';
}

/** Runs `config` on `client` with `setting` for its own transaction only, in one round trip. */
export function queryScoped(client: pg.PoolClient, config: pg.QueryConfig, setting: ScopeSetting): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    const query = new ScopedQuery(config, setting);
    query.once('end', resolve);
    query.once('error', reject);
    client.query(query as unknown as pg.Submittable);
  });
}
