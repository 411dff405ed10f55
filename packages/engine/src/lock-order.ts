/**
 * The order in which multi-row compare-and-sets lock task instances: by id, ascending (a canonical
 * lowercase uuid string sorts as Postgres sorts the uuid). Two statements that update overlapping
 * rows in different orders can deadlock, and Postgres breaks a deadlock only after
 * `deadlock_timeout` (1 s by default) — a second lost by whichever transaction it keeps.
 * - A run's cancel locks its rows with `ORDER BY id FOR UPDATE` before writing them: guaranteed.
 * - Queueing's `id = ANY(…)` is an index scan of the primary key, which visits ids in order.
 * - Claims, ends and trigger-rule decisions pass their ids sorted; their plans reach each row from
 *   its input through the primary key (they are written so that only the id can reach an index),
 *   so they lock in input order. A plan that scanned the table instead would lock in its own order.
 * - Heartbeats take no row another statement holds (`SKIP LOCKED`).
 */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
