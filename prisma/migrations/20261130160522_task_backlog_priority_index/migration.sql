-- DropIndex
DROP INDEX "TaskInstance_tenantId_state_idx";

-- CreateIndex
CREATE INDEX "TaskInstance_tenantId_state_priorityWeight_idx" ON "TaskInstance"("tenantId", "state", "priorityWeight" DESC);
