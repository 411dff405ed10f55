import { sqlLiteral, type Sql, type TaskInstance } from '@tower/db';
import type { RunContext } from './evaluation-context.js';
import type { SpecCache } from './spec-cache.js';
import { journaled, runState, runStateIn, taskEntering, taskLeaving, taskStateIn } from './state-sql.js';

/** Tasks waiting for a place in the queue: the states core's "queue" event may leave. */
const WAITS_FOR_QUEUE = (column: string) => taskLeaving(column, 'queue');

/** A task instance queueing moved to `queued`, with whether its run belongs to a backfill. */
export type QueuedTask = TaskInstance & { backfill: boolean };

/** Slots of a tenant's `default` pool until the tenant sets its own (setPool). */
export const DEFAULT_POOL_SLOTS = 128;

/**
 * At most this many tasks are queued by one pass (Airflow's max_tis_per_query, larger): a run of
 * thousands of tasks has its first jobs out at once, and every end that follows queues more from
 * the backlog, so the queue stays ahead of the workers without one pass writing thousands of jobs.
 */
export const MAX_QUEUED_PER_PASS = 512;

/** Scheduled tasks of the tenant read with its lock (the head of its backlog by priority weight). */
const HEAD = 64;

/**
 * Queues the scheduled tasks of a tenant, highest priority weight first (then the oldest logical
 * date), within each DAG's maxActiveTasks, the tenant's quota (and the backfill lane's half of
 * it) and pool slots — one batched compare-and-set under the tenant's lock, so two evaluations
 * never both take the last slot. Candidates are the evaluated runs' scheduled tasks and the top of
 * the tenant's whole backlog: capacity a finished task frees goes to whatever waits longest at the
 * highest priority, not only to the runs that happened to be evaluated (as Airflow's scheduler
 * queues from every scheduled task instance). The maxActiveTasks of a DAG no evaluated run belongs
 * to comes from `specs`, or from its version row on the transaction's own connection (never another
 * pool connection while the tenant's lock is held). Returns what was queued (with whether its run
 * is a backfill's), the tenant's active depth for fair priorities and its regular backlog for lanes.
 */
/**
 * Candidates beyond the head: scheduled tasks of the readable runs ($1) and of the tenant's other
 * DAGs ($4, not the full ones $6), in open pools ($2), limited ($3, $5), of running runs (not
 * backfills when the backfill lane is full, $7).
 */
const FURTHER_CANDIDATES = `WITH c AS (
    (SELECT id, "dagRunId", "dagId", "taskId", pool, "priorityWeight" FROM "TaskInstance"
     WHERE "dagRunId" = ANY($1::uuid[]) AND ${WAITS_FOR_QUEUE('state')} AND pool = ANY($2::text[])
     ORDER BY "priorityWeight" DESC LIMIT $3)
    UNION
    (SELECT id, "dagRunId", "dagId", "taskId", pool, "priorityWeight" FROM "TaskInstance"
     WHERE "tenantId" = $4::uuid AND ${WAITS_FOR_QUEUE('state')} AND pool = ANY($2::text[]) AND "dagId" <> ALL($6::text[])
     ORDER BY "priorityWeight" DESC LIMIT $5))
  SELECT c.*, r."dagVersionId", r."backfillId" IS NOT NULL AS backfill, r."logicalDate"
  FROM c JOIN "DagRun" r ON r.id = c."dagRunId"
  WHERE ${runStateIn('r.state', ['running'], { text: true })} AND (NOT $7::bool OR r."backfillId" IS NULL)`;

/** Queues the picked tasks ($1) at $2, those still scheduled in a running run, journaled. */
const QUEUE_TASKS = journaled(
  'task',
  `UPDATE "TaskInstance" t SET state = ${taskEntering('queue', 'scheduled')}, "queuedAt" = $2, "updatedAt" = $2
   WHERE t.id = ANY($1::uuid[]) AND ${WAITS_FOR_QUEUE('t.state')}
     AND (SELECT r.state FROM "DagRun" r WHERE r.id = t."dagRunId") = ${runState('running')}
   RETURNING t.*`,
  'queue',
);

const QUEUED_TASK = taskStateIn('state', ['queued']);
const RUNNING_TASK = taskStateIn('state', ['running']);
const ACTIVE_TASK = taskStateIn('t.state', ['queued', 'running'], { text: true });
const RUNNING_RUN = runStateIn('r.state', ['running']);
const WAITING_TASK = WAITS_FOR_QUEUE('state');

/**
 * Read with the tenant's lock, in BEGIN's round trip (`tenant`: its id as a literal): its quota,
 * pools, active tasks per DAG and pool, active backfill tasks, and the head of its backlog.
 */
const tenantCapacity = (tenant: string): string => `SELECT (SELECT "concurrencyQuota" FROM "Tenant" WHERE id = ${tenant}::uuid) AS quota,
  (SELECT coalesce(jsonb_agg(jsonb_build_object('name', name, 'slots', slots)), '[]'::jsonb)
     FROM "Pool" WHERE "tenantId" = ${tenant}::uuid) AS pools,
  (SELECT coalesce(jsonb_agg(a), '[]'::jsonb) FROM (
     SELECT t."dagId", t.pool, count(*)::int AS n
     FROM (SELECT "dagId", pool FROM "TaskInstance" WHERE "tenantId" = ${tenant}::uuid AND ${QUEUED_TASK}
           UNION ALL
           SELECT "dagId", pool FROM "TaskInstance" WHERE "tenantId" = ${tenant}::uuid AND ${RUNNING_TASK}) AS t
     GROUP BY 1, 2) AS a) AS active,
  (SELECT coalesce(sum((SELECT count(*) FROM "TaskInstance" t WHERE t."dagRunId" = r.id AND ${ACTIVE_TASK})), 0)::int
     FROM "DagRun" r WHERE r."tenantId" = ${tenant}::uuid AND r."backfillId" IS NOT NULL AND ${RUNNING_RUN}) AS "activeBackfill",
  (SELECT coalesce(json_agg(h), '[]'::json) FROM (
     SELECT t.*, r."dagVersionId", r."backfillId" IS NOT NULL AS backfill, r."logicalDate", r.state AS "runState"
     FROM (SELECT id, "dagRunId", "dagId", "taskId", pool, "priorityWeight" FROM "TaskInstance"
           WHERE "tenantId" = ${tenant}::uuid AND ${WAITING_TASK}
           ORDER BY "priorityWeight" DESC LIMIT ${HEAD}) AS t
     JOIN "DagRun" r ON r.id = t."dagRunId") AS h) AS head`;

export async function queueScheduled(
  sql: Sql,
  tenantId: string,
  contexts: RunContext[],
  now: Date,
  specs: SpecCache,
): Promise<{ queued: QueuedTask[]; tenantDepth: number; backlog: number }> {
  type Candidate = {
    id: string;
    dagRunId: string;
    dagId: string;
    taskId: string;
    pool: string;
    priorityWeight: number;
    dagVersionId: string;
    backfill: boolean;
    logicalDate: Date;
  };
  // What is scheduled in the evaluated runs: known from the evaluation's own reads (whole runs, or
  // runs that held no scheduled task before it); runs that held some are looked up under the lock.
  const lookup = contexts.filter((c) => !c.full && c.hasScheduled).map((c) => c.run.id);
  const known: Candidate[] = contexts
    .filter((c) => c.full || !c.hasScheduled)
    .flatMap(({ run, states }) =>
      [...states.values()]
        .filter((t) => t.state === 'scheduled')
        .map((t) => ({ ...t, dagVersionId: run.dagVersionId, backfill: run.backfillId !== null, logicalDate: run.logicalDate })),
    );
  const tenant = sqlLiteral(tenantId);
  return sql.transaction(
    async ({ query: q, first: [read], commitWith }) => {
      // Read with the lock, in the same round trip: the tenant's quota, its pools, what it has queued
      // or running, and the head of its backlog. (Queued and running are read as two equality ranges
      // of the (tenantId, state, …) index: as `state IN (…)` the planner scanned the tenant's every
      // row and filtered.) The backfill lane's share is counted from the tenant's running backfill
      // runs, a handful: joining every active task to its run cost more than the rest of the read.
      const {
        quota,
        pools,
        active,
        activeBackfill,
        head: headRows,
      } = read as {
        quota: number;
        pools: Array<{ name: string; slots: number }>;
        active: Array<{ dagId: string; pool: string; n: number }>;
        activeBackfill: number;
        head: Array<Candidate & { runState: string }>;
      };
      // A full head means the backlog may hold more; only running runs' tasks are candidates.
      const headFull = headRows.length === HEAD;
      const head = headRows.filter((h) => h.runState === 'running');
      let activeInTenant = 0;
      const activeInDag = new Map<string, number>();
      // Pools the tenant never set hold no slots, except `default`.
      const poolFree = new Map([['default', DEFAULT_POOL_SLOTS], ...pools.map((p): [string, number] => [p.name, p.slots])]);
      for (const a of active) {
        activeInTenant += a.n;
        activeInDag.set(a.dagId, (activeInDag.get(a.dagId) ?? 0) + a.n);
        if (poolFree.has(a.pool)) poolFree.set(a.pool, poolFree.get(a.pool)! - a.n);
      }
      // The backfill lane may use at most half of the tenant's quota: regular runs always find room.
      const backfillCap = Math.ceil(quota / 2);
      const backfillFull = activeBackfill >= backfillCap;
      const capacity = Math.min(quota - activeInTenant, Math.max(0, ...poolFree.values()));
      if (capacity <= 0) return { queued: [], tenantDepth: activeInTenant, backlog: activeInTenant - activeBackfill };
      const dagLimit = new Map<string, number>();
      for (const { run, spec } of contexts) dagLimit.set(run.dagId, spec.maxActiveTasks);

      // Highest priority weight first, then the oldest logical date, then the run and the task id;
      // within the DAGs' limits, the pools and the quota.
      const pick = async (candidates: Candidate[]) => {
        const byId = new Map<string, Candidate>();
        for (const c of candidates) if (!byId.has(c.id)) byId.set(c.id, c);
        const scheduled = [...byId.values()];
        const unknown = new Map<string, string>();
        for (const c of scheduled) {
          if (dagLimit.has(c.dagId)) continue;
          const spec = specs.peek(c.dagVersionId);
          if (spec) dagLimit.set(c.dagId, spec.maxActiveTasks);
          else unknown.set(c.dagVersionId, c.dagId);
        }
        if (unknown.size) {
          const limits = await q<{ id: string; maxActiveTasks: number }>(
            `SELECT id, (spec->>'maxActiveTasks')::int AS "maxActiveTasks" FROM "DagVersion" WHERE id = ANY($1::uuid[]) AND "tenantId" = $2::uuid`,
            [[...unknown.keys()], tenantId],
          );
          for (const l of limits) if (!dagLimit.has(unknown.get(l.id)!)) dagLimit.set(unknown.get(l.id)!, l.maxActiveTasks);
        }
        scheduled.sort(
          (a, b) =>
            b.priorityWeight - a.priorityWeight ||
            new Date(a.logicalDate).getTime() - new Date(b.logicalDate).getTime() ||
            (a.dagRunId < b.dagRunId ? -1 : a.dagRunId > b.dagRunId ? 1 : 0) ||
            (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0),
        );
        let inTenant = activeInTenant;
        let inBackfill = activeBackfill;
        const inDag = new Map(activeInDag);
        const free = new Map(poolFree);
        const picked: Candidate[] = [];
        for (const c of scheduled) {
          if (inTenant >= quota || picked.length >= MAX_QUEUED_PER_PASS) break;
          if ((inDag.get(c.dagId) ?? 0) >= (dagLimit.get(c.dagId) ?? 0)) continue;
          if ((free.get(c.pool) ?? 0) <= 0) continue;
          if (c.backfill && inBackfill >= backfillCap) continue;
          picked.push(c);
          inTenant++;
          if (c.backfill) inBackfill++;
          inDag.set(c.dagId, (inDag.get(c.dagId) ?? 0) + 1);
          free.set(c.pool, free.get(c.pool)! - 1);
        }
        return picked;
      };

      let candidates = [...known, ...head];
      let picked = await pick(candidates);
      // The head of the backlog (read with the lock) usually fills what is free. Read further when it
      // did not and there is more: the evaluated runs' own scheduled tasks, and a larger window.
      // Runs that can take nothing more — their DAG at maxActiveTasks, or the backfill lane full —
      // are not looked up: a DAG at its limit with a backlog of thousands must not fill the read and
      // starve the tenant's other DAGs. The tenant-wide part reads a bounded window of the backlog
      // (by the (tenantId, state, priorityWeight) index), so the work under the lock stays small
      // whatever the backlog; what a window leaves out is served when its own runs are evaluated.
      // DAGs at their limit once the head's picks are counted cannot take more either.
      const pickedInDag = new Map<string, number>();
      for (const c of picked) pickedInDag.set(c.dagId, (pickedInDag.get(c.dagId) ?? 0) + 1);
      const full = [...dagLimit].filter(([dagId, max]) => (activeInDag.get(dagId) ?? 0) + (pickedInDag.get(dagId) ?? 0) >= max).map(([dagId]) => dagId);
      const readable = lookup.filter((id) => {
        const { run } = contexts.find((c) => c.run.id === id)!;
        return !(run.backfillId && backfillFull) && !full.includes(run.dagId);
      });
      const need = Math.min(capacity, MAX_QUEUED_PER_PASS);
      if (picked.length < need && (headFull || readable.length > 0)) {
        const openPools = [...poolFree].filter(([, free]) => free > 0).map(([name]) => name);
        // Rows of full DAGs and closed pools are skipped before the limit (the readable runs are of
        // DAGs with room already), so the window is what may be picked: what is needed (the head's
        // picks are in it again), and some slack for DAGs and pools that fill up while picking. Runs
        // are reached by id only (`state::text`): with stale statistics the planner joined every
        // running run to every candidate instead.
        const window = Math.min(need + 64, 5000);
        const further = await q<Candidate>(FURTHER_CANDIDATES, [readable, openPools, window, tenantId, headFull ? window : 0, full, backfillFull]);
        candidates = [...known, ...head, ...further];
        picked = await pick(candidates);
      }
      const depth = activeInTenant;
      // The tenant's regular (non-backfill) demand: what it has queued or running plus the scheduled
      // tasks seen here (a lower bound when the head was full) — laneOf sends a deep one to the bulk lane.
      const backlog = activeInTenant - activeBackfill + new Set(candidates.filter((c) => !c.backfill).map((c) => c.id)).size;
      if (picked.length === 0) return { queued: [], tenantDepth: depth, backlog };
      // The last statement commits in the same round trip.
      const moved = await commitWith<TaskInstance>(QUEUE_TASKS, [picked.map((c) => c.id), now]);
      // Keep the order in which they were picked.
      const order = new Map(picked.map((c, i) => [c.id, i]));
      const backfillOf = new Map(picked.map((c) => [c.id, c.backfill]));
      moved.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
      return { queued: moved.map((ti) => ({ ...ti, backfill: backfillOf.get(ti.id)! })), tenantDepth: depth, backlog };
    },
    {
      lockKeys: [`tenant:${tenantId}`],
      // Queueing lost with the database's last commits leaves the tasks scheduled: their jobs find
      // nothing to claim and are dropped, and the waiting-runs sweep queues them again.
      asyncCommit: true,
      first: tenantCapacity(tenant),
    },
  );
}
