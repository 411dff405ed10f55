-- Every task state change writes a new row version and, since state is indexed, new index entries.
-- The Postgres defaults vacuum a table once 20 % of it is dead, so a large TaskInstance table keeps
-- hundreds of thousands of dead entries in the (tenantId, state, …) ranges that queueing scans.
-- Vacuum and analyze the churning tables at 2 % instead (Airflow deployments tune task_instance
-- the same way). TaskLog is insert-only and only needs its visibility map kept current.
ALTER TABLE "TaskInstance" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 1);
ALTER TABLE "DagRun" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 1);
ALTER TABLE "TaskTry" SET (autovacuum_vacuum_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.05);
ALTER TABLE "TaskLog" SET (autovacuum_vacuum_insert_scale_factor = 0.05);
