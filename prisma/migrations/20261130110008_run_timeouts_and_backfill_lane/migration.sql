-- AlterTable
ALTER TABLE "DagRun" ADD COLUMN     "backfillId" UUID,
ADD COLUMN     "timeoutAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "Backfill" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenantId" UUID NOT NULL,
    "dagPk" UUID NOT NULL,
    "dagId" TEXT NOT NULL,
    "fromDate" TIMESTAMPTZ(3) NOT NULL,
    "toDate" TIMESTAMPTZ(3) NOT NULL,
    "reprocess" TEXT NOT NULL,
    "maxActiveRuns" INTEGER NOT NULL,
    "createdBy" TEXT,
    "canceledAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Backfill_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Backfill_tenantId_dagPk_idx" ON "Backfill"("tenantId", "dagPk");

-- CreateIndex
CREATE INDEX "DagRun_state_timeoutAt_idx" ON "DagRun"("state", "timeoutAt");

-- CreateIndex
CREATE INDEX "DagRun_backfillId_idx" ON "DagRun"("backfillId");

-- AddForeignKey
ALTER TABLE "DagRun" ADD CONSTRAINT "DagRun_backfillId_fkey" FOREIGN KEY ("backfillId") REFERENCES "Backfill"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Backfill" ADD CONSTRAINT "Backfill_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Backfill" ADD CONSTRAINT "Backfill_dagPk_fkey" FOREIGN KEY ("dagPk") REFERENCES "Dag"("id") ON DELETE CASCADE ON UPDATE CASCADE;
