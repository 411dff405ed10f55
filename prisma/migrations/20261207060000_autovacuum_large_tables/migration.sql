-- Every vacuum of a table that removes dead rows reads each of its B-tree indexes from end to end:
-- a cost set by the size of the table, not by how many rows died. At 2 % a 10-million-row
-- TaskInstance (0.9 GB of indexes) was vacuumed every 30-40 s under load, one vacuum after another,
-- taking a share of the CPU from the engine all the time (bench/README.md, the soak). Queueing no
-- longer scans ranges that dead rows fill (its indexes are partial, on the active states only), so
-- the hot tables are vacuumed once 10 % of their rows changed: a small table still often and
-- cheaply, a large one a few times an hour under the heaviest load. Analyze stays more frequent.
ALTER TABLE "TaskInstance" SET (autovacuum_vacuum_scale_factor = 0.1, autovacuum_analyze_scale_factor = 0.05);
ALTER TABLE "DagRun" SET (autovacuum_vacuum_scale_factor = 0.1, autovacuum_analyze_scale_factor = 0.05);
ALTER TABLE "TaskTry" SET (autovacuum_vacuum_scale_factor = 0.1, autovacuum_analyze_scale_factor = 0.1);
