import type { ReadinessAdvisory } from './health.js';

/**
 * Vacuum advice. Every task state change leaves a dead row version in the hot tables; without
 * (auto)vacuum they pile up and every queueing pass and every sweep reads them, so throughput falls
 * by half within minutes of a large backfill. Tower cannot vacuum for the server, but it can say so:
 * at start-up (a log warning) and in `/readyz` (`warnings.vacuum`, never unreadiness).
 */

/** What the server reports about one hot table (pg_class.reloptions and pg_stat_user_tables). */
export interface TableVacuumStats {
  table: string;
  liveTuples: number;
  deadTuples: number;
  /** false when the table's reloptions say `autovacuum_enabled=false`. */
  autovacuumEnabled: boolean;
}

export interface VacuumStats {
  /** `SHOW autovacuum` (and `track_counts`, without which autovacuum cannot run). */
  autovacuum: boolean;
  tables: TableVacuumStats[];
}

export interface VacuumThresholds {
  /** dead / (live + dead) above which a table is falling behind. */
  deadRatio: number;
  /** Fewer dead rows than this is noise whatever the ratio (a nearly empty table). */
  minDeadTuples: number;
}

export const DEFAULT_VACUUM_THRESHOLDS: VacuumThresholds = { deadRatio: 0.2, minDeadTuples: 10_000 };

/** The tables whose dead rows cost the engine's hot path (docs/database.md, "Vacuum"). */
export const HOT_TABLES = ['TaskInstance', 'TaskTry', 'DagRun', 'StateChange', 'TaskLog'] as const;

/** The warnings `stats` deserve, each saying what to do; none when vacuum keeps up. */
export function vacuumWarnings(stats: VacuumStats, thresholds: VacuumThresholds = DEFAULT_VACUUM_THRESHOLDS): string[] {
  const out: string[] = [];
  if (!stats.autovacuum) {
    out.push(
      'autovacuum is off on this PostgreSQL server: dead row versions of the hot tables are never removed and throughput falls as they grow. ' +
        'Set autovacuum = on (and track_counts = on) in postgresql.conf and reload, or run VACUUM ANALYZE "TaskInstance", "TaskTry", "DagRun", "StateChange", "TaskLog" regularly.',
    );
  }
  const disabled = stats.tables.filter((t) => !t.autovacuumEnabled).map((t) => t.table);
  if (disabled.length) {
    out.push(
      `autovacuum is disabled on ${disabled.map((t) => `"${t}"`).join(', ')} (autovacuum_enabled=false): ` +
        `run ${disabled.map((t) => `ALTER TABLE "${t}" RESET (autovacuum_enabled)`).join('; ')}.`,
    );
  }
  const behind = stats.tables.filter((t) => {
    const total = t.liveTuples + t.deadTuples;
    return t.deadTuples >= thresholds.minDeadTuples && total > 0 && t.deadTuples / total > thresholds.deadRatio;
  });
  if (behind.length) {
    const list = behind.map(
      (t) => `"${t.table}" ${Math.round((100 * t.deadTuples) / (t.liveTuples + t.deadTuples))}% dead (${t.deadTuples} of ${t.liveTuples + t.deadTuples})`,
    );
    out.push(
      `vacuum is not keeping up: ${list.join(', ')}, over ${Math.round(thresholds.deadRatio * 100)}%. ` +
        `Run VACUUM ANALYZE on ${behind.map((t) => `"${t.table}"`).join(', ')} now, and make autovacuum run more often ` +
        '(lower autovacuum_naptime, raise autovacuum_vacuum_cost_limit or autovacuum_max_workers).',
    );
  }
  return out;
}

/** The `/readyz` advisory `vacuum`: reads the server's figures on each probe (two catalog reads). */
export function vacuumAdvisory(
  readStats: (tables: readonly string[]) => Promise<VacuumStats>,
  thresholds: VacuumThresholds = DEFAULT_VACUUM_THRESHOLDS,
): ReadinessAdvisory {
  return { name: 'vacuum', inspect: async () => vacuumWarnings(await readStats(HOT_TABLES), thresholds) };
}
