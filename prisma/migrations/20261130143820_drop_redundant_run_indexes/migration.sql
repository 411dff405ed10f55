-- DropIndex
DROP INDEX "DagRun_state_idx";

-- DropIndex
DROP INDEX "DagRun_tenantId_dagPk_logicalDate_idx";
