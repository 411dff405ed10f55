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

/**
 * A tenant whose regular (non-backfill) tasks queued, running and waiting to be queued number more
 * than this is flooding: its tasks go to the bulk lane until its backlog drains.
 */
export const INTERACTIVE_DEPTH = 32;

/**
 * The worker lane of a job: each lane is a queue of its own, served by the worker processes
 * configured for it (WORKER_LANES; both by default). Priorities order jobs within a queue, but a
 * worker process kept CPU-bound by one tenant's flood delays every job it takes, whatever its
 * priority: its event loop, database connections and group commits are shared. Lanes isolate
 * processes instead: tenants with a small backlog (at most INTERACTIVE_DEPTH tasks) run in the
 * interactive lane; a tenant's flood — every one of its tasks while its backlog is deeper — and
 * every backfill task run in the bulk lane. A process serving only `interactive` stays lightly
 * loaded, so small tenants' tasks start promptly while others flood.
 */
export function laneOf(job: { backlog: number; backfill: boolean }): 'interactive' | 'bulk' {
  return job.backfill || job.backlog > INTERACTIVE_DEPTH ? 'bulk' : 'interactive';
}
