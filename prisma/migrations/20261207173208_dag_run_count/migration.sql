-- How many runs each DAG has, kept by the database itself: `dagRuns`' totalCount reads one row
-- instead of counting the DAG's runs, which cost about 2 ms per request at 20,000 runs and grows
-- with the history (bench/README.md, "API"). Triggers on DagRun keep it, so every writer (the
-- engine's one insert statement, retention, deleteDag, a tenant's deletion, an operator's SQL)
-- updates it in the same transaction as the runs: a statement that reads the count and the runs
-- sees both as of one snapshot. A run never moves to another DAG (no UPDATE of "dagPk").

-- CreateTable
CREATE TABLE "DagRunCount" (
    "dagPk" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "runs" BIGINT NOT NULL,

    CONSTRAINT "DagRunCount_pkey" PRIMARY KEY ("dagPk")
);

-- AddForeignKey
ALTER TABLE "DagRunCount" ADD CONSTRAINT "DagRunCount_dagPk_fkey" FOREIGN KEY ("dagPk") REFERENCES "Dag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A tenant's rows only, for the API's role (as every tenant table: 20261207020000_row_level_security).
-- The API's role writes them through the triggers below, which run with its rights.
GRANT SELECT, INSERT, UPDATE, DELETE ON "DagRunCount" TO tower_app;
ALTER TABLE "DagRunCount" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON "DagRunCount" TO tower_app
  USING ("tenantId" = NULLIF(current_setting('tower.tenant_id', true), '')::uuid)
  WITH CHECK ("tenantId" = NULLIF(current_setting('tower.tenant_id', true), '')::uuid);

-- The functions run with the rights of whoever changed the runs: the API's role changes its own
-- tenant's runs, so it counts its own tenant's. Each statement locks the counters it changes in
-- one order (by "dagPk"), so two statements that add runs to the same DAGs queue, never deadlock;
-- the lock lasts until the statement's transaction ends.
CREATE FUNCTION tower_dag_runs_inserted() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO "DagRunCount" AS c ("dagPk", "tenantId", runs)
  SELECT "dagPk", "tenantId", count(*) FROM inserted GROUP BY "dagPk", "tenantId" ORDER BY "dagPk"
  ON CONFLICT ("dagPk") DO UPDATE SET runs = c.runs + excluded.runs;
  RETURN NULL;
END
$fn$;

-- A DAG's counter goes with the DAG (ON DELETE CASCADE), possibly earlier in the same statement
-- (deleting a tenant or a DAG cascades to both): an UPDATE, which finds nothing to change then.
CREATE FUNCTION tower_dag_runs_deleted() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM 1 FROM "DagRunCount" WHERE "dagPk" IN (SELECT "dagPk" FROM deleted) ORDER BY "dagPk" FOR UPDATE;
  UPDATE "DagRunCount" c SET runs = c.runs - d.n
    FROM (SELECT "dagPk", count(*) AS n FROM deleted GROUP BY "dagPk") d
   WHERE c."dagPk" = d."dagPk";
  RETURN NULL;
END
$fn$;

CREATE FUNCTION tower_dag_runs_truncated() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM "DagRunCount";
  RETURN NULL;
END
$fn$;

-- The triggers and the count of the runs that exist now, in one statement and so one transaction
-- (the migrator sends each statement of a migration on its own): DagRun locked against writes
-- first, so no run is counted twice or missed, and no counter is created twice, however busy
-- Tower is while it migrates.
DO $$
BEGIN
  LOCK TABLE "DagRun" IN SHARE ROW EXCLUSIVE MODE;
  CREATE TRIGGER "DagRun_count_insert" AFTER INSERT ON "DagRun"
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION tower_dag_runs_inserted();
  CREATE TRIGGER "DagRun_count_delete" AFTER DELETE ON "DagRun"
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION tower_dag_runs_deleted();
  CREATE TRIGGER "DagRun_count_truncate" AFTER TRUNCATE ON "DagRun"
    FOR EACH STATEMENT EXECUTE FUNCTION tower_dag_runs_truncated();
  INSERT INTO "DagRunCount" ("dagPk", "tenantId", runs)
  SELECT "dagPk", "tenantId", count(*) FROM "DagRun" GROUP BY "dagPk", "tenantId";
END
$$;
