import { sqlOf, type Db } from './client.js';

/** What the server says about vacuuming `tables` (structurally @tower/telemetry's VacuumStats). */
export interface VacuumStatsRow {
  table: string;
  liveTuples: number;
  deadTuples: number;
  autovacuumEnabled: boolean;
}

const OFF = new Set(['false', 'off', 'no', '0']);

/**
 * `SHOW autovacuum` (with `track_counts`, without which the launcher never starts a worker), each
 * table's `autovacuum_enabled` reloption and its live and dead tuple counts (pg_stat_user_tables,
 * which the statistics system updates a second or so after each transaction).
 */
export async function readVacuumStats(db: Db, tables: readonly string[]): Promise<{ autovacuum: boolean; tables: VacuumStatsRow[] }> {
  const sql = sqlOf(db);
  const [settings] = await sql.query<{ autovacuum: string; track_counts: string }>(
    `SELECT current_setting('autovacuum') AS autovacuum, current_setting('track_counts') AS track_counts`,
  );
  const rows = await sql.query<{ relname: string; reloptions: string[] | null; live: string | null; dead: string | null }>(
    `SELECT c.relname, c.reloptions, s.n_live_tup::text AS live, s.n_dead_tup::text AS dead
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
       LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
      WHERE c.relkind IN ('r', 'p') AND c.relname = ANY($1::text[])
      ORDER BY c.relname`,
    [tables],
  );
  return {
    autovacuum: settings.autovacuum === 'on' && settings.track_counts === 'on',
    tables: rows.map((r) => {
      const option = (r.reloptions ?? []).find((o) => o.startsWith('autovacuum_enabled='));
      return {
        table: r.relname,
        liveTuples: Number(r.live ?? 0),
        deadTuples: Number(r.dead ?? 0),
        autovacuumEnabled: !option || !OFF.has(option.slice('autovacuum_enabled='.length).toLowerCase()),
      };
    }),
  };
}
