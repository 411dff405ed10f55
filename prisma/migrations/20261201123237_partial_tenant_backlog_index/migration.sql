-- Queueing reads a tenant by (tenantId, state, priorityWeight) only for the active states (the
-- backlog head in scheduled, the counts of queued and running). The index keeps entries for those
-- states only: creating a task and ending one write none, and finished tasks do not grow it.

-- DropIndex
DROP INDEX "TaskInstance_tenantId_state_priorityWeight_idx";

-- CreateIndex
CREATE INDEX "TaskInstance_tenantId_state_priorityWeight_idx" ON "TaskInstance"("tenantId", "state", "priorityWeight" DESC) WHERE (state = ANY (ARRAY['scheduled'::"TaskState", 'queued'::"TaskState", 'running'::"TaskState"]));
