-- AlterTable
ALTER TABLE "DagRun" ADD COLUMN     "logsArchivedAt" TIMESTAMPTZ(3),
ADD COLUMN     "logsPurgedAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "logRetentionDays" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "runRetentionDays" INTEGER NOT NULL DEFAULT 90;

-- CreateIndex
CREATE INDEX "DagRun_retention_idx" ON "DagRun"("tenantId", "endedAt") WHERE ("endedAt" IS NOT NULL);

-- CreateIndex
CREATE INDEX "DagRun_log_retention_idx" ON "DagRun"("tenantId", "endedAt") WHERE ("logsPurgedAt" IS DISTINCT FROM "endedAt");

-- CreateIndex
CREATE INDEX "DagRun_log_archive_idx" ON "DagRun"("endedAt") WHERE ("logsArchivedAt" IS DISTINCT FROM "endedAt");
