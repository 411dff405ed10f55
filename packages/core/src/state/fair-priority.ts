const BACKFILL_TIER = 400_000;
const REPOKE_TIER = 800_000;
const MAX_DEPTH = 399_999;

/**
 * BullMQ priority (1 is served first) for fair sharing between tenants: a job's number is its
 * position in its tenant's backlog (the tenant's queued + running tasks when it was queued), so
 * workers interleave tenants — a tenant with one task waiting goes ahead of another tenant's
 * thousandth — instead of serving one tenant's flood first-in first-out. Within a tenant, tasks
 * queued together are ordered by priority weight (queueScheduled sorts them). Lanes: backfill runs
 * come after regular runs of every tenant, and a sensor's re-poke after everything (a poke a
 * little late costs nothing; a task stuck behind hundreds of pokes does).
 */
export function fairPriority(job: { tenantDepth: number; backfill: boolean; repoke: boolean }): number {
  const tier = job.repoke ? REPOKE_TIER : job.backfill ? BACKFILL_TIER : 0;
  return 1 + tier + Math.min(Math.max(0, job.tenantDepth), MAX_DEPTH);
}
