-- The (state, nextAttemptAt) index gave every state change an entry, and with stale statistics the
-- planner probed a whole state range once per run (52,000 scheduled entries per probe in the
-- fairness bench). Each sweep that reads by state without a tenant gets a partial index on its own
-- state instead: a row is in one only while it is in that state, and a finished task is in none.

-- DropIndex
DROP INDEX "TaskInstance_state_nextAttemptAt_idx";

-- CreateIndex
CREATE INDEX "TaskInstance_retry_due_idx" ON "TaskInstance"("nextAttemptAt") WHERE (state = ANY (ARRAY['up_for_retry'::"TaskState", 'up_for_reschedule'::"TaskState"]));

-- CreateIndex
CREATE INDEX "TaskInstance_queued_idx" ON "TaskInstance"("queuedAt") WHERE (state = 'queued');

-- CreateIndex
CREATE INDEX "TaskInstance_running_idx" ON "TaskInstance"("heartbeatAt") WHERE (state = 'running');
