import { sqlLiteral, type Sql, type TaskInstance } from '@tower/db';
import type { RunContext } from './evaluation-context.js';

/** Slots of a tenant's `default` pool until the tenant sets its own (setPool). */
export const DEFAULT_POOL_SLOTS = 128;

/**
 * Queues the scheduled tasks of a tenant's runs, highest priority weight first, within each
 * DAG's maxActiveTasks, the tenant's quota (and the backfill lane's half of it) and pool slots —
 * one batched compare-and-set under the tenant's lock, so two evaluations never both take the
 * last slot. Returns them with the tenant's backlog depth for fair priorities.
 */
export async function queueScheduled(sql: Sql, tenantId: string, contexts: RunContext[], now: Date): Promise<{ queued: TaskInstance[]; tenantDepth: number }> {
  type Scheduled = { id: string; dagRunId: string; dagId: string; taskId: string; pool: string; priorityWeight: number };
  const byRun = new Map(contexts.map((c) => [c.run.id, c]));
  // What is scheduled: known from the evaluation's own reads (whole runs, or runs that held no
  // scheduled task before it); runs that held some are looked up under the lock, no more of
  // them than the free capacity can take (a backlog of thousands is not read every time).
  const lookup = contexts.filter((c) => !c.full && c.hasScheduled).map((c) => c.run.id);
  const known: Scheduled[] = contexts.filter((c) => c.full || !c.hasScheduled).flatMap((c) => [...c.states.values()].filter((t) => t.state === 'scheduled'));
  if (known.length === 0 && lookup.length === 0) return { queued: [], tenantDepth: 0 };
  const poolNames = [...new Set(contexts.flatMap((c) => c.graph.pools))];
  const tenant = sqlLiteral(tenantId);
  const poolArray = `ARRAY[${poolNames.map(sqlLiteral).join(', ')}]::text[]`;
  return sql.transaction(
    async (q, [read]) => {
    // Read with the lock, in the same round trip: the tenant's quota, its pools and what it has
    // queued or running.
    const { quota, pools, active } = read as { quota: number; pools: Array<{ name: string; slots: number }>; active: Array<{ dagId: string; pool: string; backfill: boolean; n: number }> };
    let activeInTenant = 0;
    let activeBackfill = 0;
    const activeInDag = new Map<string, number>();
    const poolFree = new Map(poolNames.map((name) => [name, pools.find((p) => p.name === name)?.slots ?? (name === 'default' ? DEFAULT_POOL_SLOTS : 0)]));
    for (const a of active) {
      activeInTenant += a.n;
      if (a.backfill) activeBackfill += a.n;
      activeInDag.set(a.dagId, (activeInDag.get(a.dagId) ?? 0) + a.n);
      if (poolFree.has(a.pool)) poolFree.set(a.pool, poolFree.get(a.pool)! - a.n);
    }
    // The backfill lane may use at most half of the tenant's quota: regular runs always find room.
    const backfillCap = Math.ceil(quota / 2);
    const capacity = Math.min(quota - activeInTenant, Math.max(0, ...poolFree.values()));
    if (capacity <= 0) return { queued: [], tenantDepth: activeInTenant };
    const openPools = poolNames.filter((name) => poolFree.get(name)! > 0);
    // Runs that can take nothing more — their DAG at maxActiveTasks, or the backfill lane full —
    // are not read: a DAG at its limit with a backlog of thousands must not fill the read and
    // starve the tenant's other DAGs.
    const readable = lookup.filter((id) => {
      const { run, spec } = byRun.get(id)!;
      if (run.backfillId && activeBackfill >= backfillCap) return false;
      return (activeInDag.get(run.dagId) ?? 0) < spec.maxActiveTasks;
    });
    const scheduled: Scheduled[] = [
      ...known,
      ...(readable.length
        ? await q<Scheduled>(
            `SELECT id, "dagRunId", "dagId", "taskId", pool, "priorityWeight" FROM "TaskInstance"
             WHERE "dagRunId" = ANY($1::uuid[]) AND state = 'scheduled' AND pool = ANY($2::text[])
             ORDER BY "priorityWeight" DESC
             LIMIT $3`,
            [readable, openPools, Math.min(capacity * 4, 5000)],
          )
        : []),
    ];
    // Highest priority weight first, then the runs in order, then task id.
    const runOrder = new Map(contexts.map((c, i) => [c.run.id, i]));
    scheduled.sort((a, b) => b.priorityWeight - a.priorityWeight || runOrder.get(a.dagRunId)! - runOrder.get(b.dagRunId)! || (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0));
    const picked: string[] = [];
    for (const s of scheduled) {
      if (activeInTenant >= quota) break;
      const { run, spec } = byRun.get(s.dagRunId)!;
      if ((activeInDag.get(s.dagId) ?? 0) >= spec.maxActiveTasks) continue;
      if ((poolFree.get(s.pool) ?? 0) <= 0) continue;
      if (run.backfillId && activeBackfill >= backfillCap) continue;
      picked.push(s.id);
      activeInTenant++;
      if (run.backfillId) activeBackfill++;
      activeInDag.set(s.dagId, (activeInDag.get(s.dagId) ?? 0) + 1);
      poolFree.set(s.pool, poolFree.get(s.pool)! - 1);
    }
    const depth = activeInTenant - picked.length;
    if (picked.length === 0) return { queued: [], tenantDepth: depth };
    const moved = await q<TaskInstance>(
      `UPDATE "TaskInstance" t SET state = 'queued', "queuedAt" = $2, "updatedAt" = $2
       WHERE t.id = ANY($1::uuid[]) AND t.state = 'scheduled'
         AND (SELECT r.state FROM "DagRun" r WHERE r.id = t."dagRunId") = 'running'
       RETURNING t.*`, [picked, now]);
    // Keep the priority-weight order in which they were picked.
    const order = new Map(picked.map((id, i) => [id, i]));
    moved.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    return { queued: moved, tenantDepth: depth };
    },
    {
      lockKeys: [`tenant:${tenantId}`],
      first: `SELECT (SELECT "concurrencyQuota" FROM "Tenant" WHERE id = ${tenant}::uuid) AS quota,
              (SELECT coalesce(jsonb_agg(jsonb_build_object('name', name, 'slots', slots)), '[]'::jsonb)
                 FROM "Pool" WHERE "tenantId" = ${tenant}::uuid AND name = ANY(${poolArray})) AS pools,
              (SELECT coalesce(jsonb_agg(a), '[]'::jsonb) FROM (
                 SELECT t."dagId", t.pool, (r."backfillId" IS NOT NULL) AS backfill, count(*)::int AS n
                 FROM "TaskInstance" t JOIN "DagRun" r ON r.id = t."dagRunId"
                 WHERE t."tenantId" = ${tenant}::uuid AND t.state IN ('queued', 'running')
                 GROUP BY 1, 2, 3) AS a) AS active`,
    },
  );
}
