-- Row-level security: the second wall of tenancy (docs/database.md, "Row-level security").
--
-- tower_app, the API's role (NOLOGIN, not a table owner, not BYPASSRLS; the API takes it with SET
-- ROLE): a row is visible and writable only when its tenant is the transaction's `tower.tenant_id`
-- setting (set_config(..., true), i.e. SET LOCAL). Without the setting no tenant row is visible.
-- The scheduler and the workers work across tenants by nature, as the tables' owner, which row-level
-- security does not apply to (no FORCE ROW LEVEL SECURITY). A policy, even USING (true), would cost
-- them their partial indexes: Postgres' enum comparisons are not leakproof, so under any policy a
-- qual like state = 'queued' can no longer prove a partial index's predicate.
-- Roles belong to the cluster, not to a database: created once, whichever database migrates first.
DO $$
BEGIN
  CREATE ROLE tower_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

GRANT USAGE ON SCHEMA public TO tower_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO tower_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO tower_app;
-- Tables and sequences later migrations create (as the same owner) get the same grants. Their RLS
-- is each migration's own job, which packages/db/src/row-security.int.test.ts checks.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tower_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO tower_app;

-- Every table with a "tenantId" column: the tenant's rows only.
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
  END LOOP;
END
$$;

-- The tenant itself.
ALTER TABLE "Tenant" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON "Tenant" TO tower_app
  USING ("id" = NULLIF(current_setting('tower.tenant_id', true), '')::uuid)
  WITH CHECK ("id" = NULLIF(current_setting('tower.tenant_id', true), '')::uuid);

-- Users belong to no tenant: the API sees those who are members of its tenant (the Members
-- page). Finding a user by email (login, sign-up, an invitation) runs as the login role (asSystem).
ALTER TABLE "User" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON "User" TO tower_app
  USING (EXISTS (
    SELECT 1 FROM "Membership" m
    WHERE m."userId" = "User"."id" AND m."tenantId" = NULLIF(current_setting('tower.tenant_id', true), '')::uuid
  ));

-- The alert evaluator's cursor is the engine's alone: no policy, so tower_app sees nothing of it.
ALTER TABLE "AlertCursor" ENABLE ROW LEVEL SECURITY;
