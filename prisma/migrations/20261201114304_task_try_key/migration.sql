-- TaskTry rows are reached by (taskInstanceId, tryNumber) only: that pair becomes the primary key, and
-- the uuid key and the tenant index, which no read used, go. Fill factor 80 leaves room on each page
-- for the update that ends a try to stay on its page (a heap-only update writes no index entry).

-- DropIndex
DROP INDEX "TaskTry_taskInstanceId_tryNumber_key";

-- DropIndex
DROP INDEX "TaskTry_tenantId_idx";

-- AlterTable
ALTER TABLE "TaskTry" DROP CONSTRAINT "TaskTry_pkey",
DROP COLUMN "id",
ADD CONSTRAINT "TaskTry_pkey" PRIMARY KEY ("taskInstanceId", "tryNumber");

ALTER TABLE "TaskTry" SET (fillfactor = 80);
