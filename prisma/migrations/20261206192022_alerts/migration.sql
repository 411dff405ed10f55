-- CreateEnum
CREATE TYPE "AlertEvent" AS ENUM ('RUN_FAILED', 'RUN_SUCCEEDED', 'RUN_RECOVERED', 'TASK_FAILED', 'TASK_RETRIED', 'SENSOR_TIMED_OUT', 'RUN_DURATION', 'RUN_DEADLINE', 'FRESHNESS', 'CONSECUTIVE_FAILURES');

-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('INFO', 'WARNING', 'ERROR', 'CRITICAL');

-- CreateEnum
CREATE TYPE "AlertState" AS ENUM ('FIRING', 'RESOLVED');

-- CreateEnum
CREATE TYPE "AlertChannelType" AS ENUM ('WEBHOOK', 'SLACK', 'EMAIL', 'PAGERDUTY');

-- CreateEnum
CREATE TYPE "AlertDeliveryKind" AS ENUM ('TRIGGER', 'RESOLVE', 'TEST');

-- CreateEnum
CREATE TYPE "AlertDeliveryStatus" AS ENUM ('PENDING', 'SENDING', 'DELIVERED', 'FAILED');

-- DropIndex
DROP INDEX "Alert_tenantId_createdAt_idx";

-- DropIndex
DROP INDEX "AlertRule_tenantId_idx";

-- AlterTable
ALTER TABLE "Alert" DROP COLUMN "createdAt",
DROP COLUMN "deliveredAt",
DROP COLUMN "message",
DROP COLUMN "payload",
DROP COLUMN "taskInstanceId",
ADD COLUMN     "acknowledgedAt" TIMESTAMPTZ(3),
ADD COLUMN     "acknowledgedBy" TEXT,
ADD COLUMN     "details" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "firedAt" TIMESTAMPTZ(3) NOT NULL,
ADD COLUMN     "lastEventAt" TIMESTAMPTZ(3) NOT NULL,
ADD COLUMN     "notified" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "occurrences" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "openKey" TEXT,
ADD COLUMN     "resolvedAt" TIMESTAMPTZ(3),
ADD COLUMN     "ruleName" TEXT NOT NULL,
ADD COLUMN     "runId" TEXT,
ADD COLUMN     "severity" "AlertSeverity" NOT NULL,
ADD COLUMN     "state" "AlertState" NOT NULL,
ADD COLUMN     "summary" TEXT NOT NULL,
ADD COLUMN     "taskId" TEXT,
DROP COLUMN "event",
ADD COLUMN     "event" "AlertEvent" NOT NULL,
ALTER COLUMN "dedupKey" SET NOT NULL;

-- AlterTable
ALTER TABLE "AlertRule" DROP COLUMN "channels",
DROP COLUMN "dagIdFilter",
DROP COLUMN "tagFilter",
DROP COLUMN "threshold",
ADD COLUMN     "channelIds" UUID[] DEFAULT ARRAY[]::UUID[],
ADD COLUMN     "consecutiveFailures" INTEGER,
ADD COLUMN     "dagIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "deadlineTime" TEXT,
ADD COLUMN     "deadlineTimezone" TEXT,
ADD COLUMN     "durationSeconds" INTEGER,
ADD COLUMN     "freshnessHours" INTEGER,
ADD COLUMN     "mutedUntil" TIMESTAMPTZ(3),
ADD COLUMN     "severity" "AlertSeverity" NOT NULL DEFAULT 'ERROR',
ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "taskIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
DROP COLUMN "event",
ADD COLUMN     "event" "AlertEvent" NOT NULL;

-- CreateTable
CREATE TABLE "AlertChannel" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenantId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "type" "AlertChannelType" NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "secretCiphertext" TEXT,
    "secretKeyId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AlertChannel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertDelivery" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenantId" UUID NOT NULL,
    "alertId" UUID,
    "channelId" UUID NOT NULL,
    "kind" "AlertDeliveryKind" NOT NULL,
    "status" "AlertDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedAt" TIMESTAMPTZ(3),
    "lastStatusCode" INTEGER,
    "lastResponse" TEXT,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMPTZ(3),

    CONSTRAINT "AlertDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertCursor" (
    "name" TEXT NOT NULL,
    "xid" DECIMAL(20,0) NOT NULL,
    "lastId" BIGINT NOT NULL DEFAULT 0,
    "sweptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AlertCursor_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "AlertChannel_tenantId_name_key" ON "AlertChannel"("tenantId", "name");

-- CreateIndex
CREATE INDEX "AlertDelivery_channelId_createdAt_idx" ON "AlertDelivery"("channelId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "AlertDelivery_due_idx" ON "AlertDelivery"("nextAttemptAt") WHERE (status = ANY (ARRAY['PENDING'::"AlertDeliveryStatus", 'SENDING'::"AlertDeliveryStatus"]));

-- CreateIndex
CREATE UNIQUE INDEX "AlertDelivery_alertId_channelId_kind_key" ON "AlertDelivery"("alertId", "channelId", "kind");

-- CreateIndex
CREATE INDEX "Alert_tenantId_firedAt_idx" ON "Alert"("tenantId", "firedAt" DESC);

-- CreateIndex
CREATE INDEX "Alert_ruleId_dedupKey_idx" ON "Alert"("ruleId", "dedupKey");

-- CreateIndex
CREATE INDEX "Alert_ruleId_dagId_firedAt_idx" ON "Alert"("ruleId", "dagId", "firedAt" DESC);

-- CreateIndex
CREATE INDEX "Alert_firing_idx" ON "Alert"("tenantId", "dagId") WHERE (state = 'FIRING');

-- CreateIndex
CREATE UNIQUE INDEX "Alert_ruleId_openKey_key" ON "Alert"("ruleId", "openKey");

-- CreateIndex
CREATE INDEX "AlertRule_tenantId_enabled_idx" ON "AlertRule"("tenantId", "enabled");

-- CreateIndex
CREATE UNIQUE INDEX "AlertRule_tenantId_name_key" ON "AlertRule"("tenantId", "name");

-- CreateIndex
CREATE INDEX "StateChange_alert_events_idx" ON "StateChange"("xid", "id") WHERE (((entity = 'run'::"StateEntity") AND (state = ANY (ARRAY['failed'::text, 'success'::text, 'canceled'::text]))) OR ((entity = 'task'::"StateEntity") AND (state = ANY (ARRAY['failed'::text, 'up_for_retry'::text]))));

-- AddForeignKey
ALTER TABLE "AlertChannel" ADD CONSTRAINT "AlertChannel_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertDelivery" ADD CONSTRAINT "AlertDelivery_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "Alert"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertDelivery" ADD CONSTRAINT "AlertDelivery_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "AlertChannel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The evaluator starts at the journal's present: a rule never fires for what happened before
-- alerts existed (rules also ignore changes older than themselves).
INSERT INTO "AlertCursor" ("name", "xid", "lastId", "updatedAt")
VALUES ('journal', pg_snapshot_xmin(pg_current_snapshot())::text::numeric, 0, now());
