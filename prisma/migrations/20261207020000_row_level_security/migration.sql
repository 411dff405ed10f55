-- Row-level security: the second wall of tenancy (docs/database.md, "Row-level security").
--
-- Two roles, neither a table owner nor BYPASSRLS (NOLOGIN: an operator gives each process a login
-- role that is a member of its role; docs/database.md says how):
--   tower_app    — the API. A row is visible and writable only when its tenant is the
--                  transaction's `tower.tenant_id` setting (set_config(..., true), i.e. SET LOCAL);
--                  without the setting no tenant row is visible at all.
--   tower_engine — the scheduler and the workers, which work across tenants, see every row.
-- Roles belong to the cluster, not to a database: created once, whichever database migrates first.
DO $$
BEGIN
  BEGIN
    CREATE ROLE tower_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  BEGIN
    CREATE ROLE tower_engine NOLOGIN NOSUPERUSER NOBYPASSRLS;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
END
$$;

GRANT USAGE ON SCHEMA public TO tower_app, tower_engine;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO tower_app, tower_engine;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO tower_app, tower_engine;
-- Tables and sequences later migrations create (as the same owner) get the same grants; their RLS
-- is each migration's own job, which packages/db/src/row-security.int.test.ts checks.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tower_app, tower_engine;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO tower_app, tower_engine;

-- Every table with a "tenantId" column: the tenant's rows for the API, all rows for the engine.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'Membership', 'Session', 'Invitation', 'ApiKey', 'Dag', 'DagVersion', 'DagRun', 'Backfill',
    'TaskInstance', 'TaskTry', 'TaskLog', 'XCom', 'Connection', 'Pool', 'AlertChannel', 'AlertRule',
    'Alert', 'AlertDelivery', 'AuditLog', 'S3TriggerObject', 'StateChange'
  ] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_rows ON %I TO tower_app USING ("tenantId" = NULLIF(current_setting(''tower.tenant_id'', true), '''')::uuid) WITH CHECK ("tenantId" = NULLIF(current_setting(''tower.tenant_id'', true), '''')::uuid)',
      t
    );
    EXECUTE format('CREATE POLICY engine_rows ON %I TO tower_engine USING (true) WITH CHECK (true)', t);
  END LOOP;
END
$$;

-- The tenant itself.
ALTER TABLE "Tenant" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON "Tenant" TO tower_app
  USING ("id" = NULLIF(current_setting('tower.tenant_id', true), '')::uuid)
  WITH CHECK ("id" = NULLIF(current_setting('tower.tenant_id', true), '')::uuid);
CREATE POLICY engine_rows ON "Tenant" TO tower_engine USING (true) WITH CHECK (true);

-- Users belong to no tenant: the API sees those who are members of its tenant (the Members
-- page); finding a user by email (login, sign-up, an invitation) runs as the engine's role.
ALTER TABLE "User" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON "User" TO tower_app
  USING (EXISTS (
    SELECT 1 FROM "Membership" m
    WHERE m."userId" = "User"."id" AND m."tenantId" = NULLIF(current_setting('tower.tenant_id', true), '')::uuid
  ));
CREATE POLICY engine_rows ON "User" TO tower_engine USING (true) WITH CHECK (true);

-- The alert evaluator's cursor is the engine's alone.
ALTER TABLE "AlertCursor" ENABLE ROW LEVEL SECURITY;
CREATE POLICY engine_rows ON "AlertCursor" TO tower_engine USING (true) WITH CHECK (true);
