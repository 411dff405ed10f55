/**
 * The order in which multi-row compare-and-sets lock task instances: by id, ascending (a canonical
 * lowercase uuid string sorts as Postgres sorts the uuid). Two statements that update overlapping
 * rows in different orders can deadlock, and Postgres breaks a deadlock only after
 * `deadlock_timeout` (1 s by default) — a second lost by whichever transaction it keeps. Claims,
 * ends and trigger-rule decisions pass their ids in this order (each statement walks its input
 * array), queueing's `id = ANY(…)` is read in index order, and a run's cancel locks its rows in
 * this order before it writes them; heartbeats take none that another statement holds.
 */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
