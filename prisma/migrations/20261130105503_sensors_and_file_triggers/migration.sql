-- AlterTable
ALTER TABLE "Dag" ADD COLUMN     "triggers" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "TaskInstance" ADD COLUMN     "rescheduleCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "sensorStartedAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "S3TriggerObject" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenantId" UUID NOT NULL,
    "dagPk" UUID NOT NULL,
    "connId" TEXT NOT NULL,
    "bucket" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "etag" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "lastModified" TIMESTAMPTZ(3),
    "dagRunId" UUID,
    "seenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "S3TriggerObject_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "S3TriggerObject_tenantId_idx" ON "S3TriggerObject"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "S3TriggerObject_dagPk_bucket_key_etag_key" ON "S3TriggerObject"("dagPk", "bucket", "key", "etag");

-- AddForeignKey
ALTER TABLE "S3TriggerObject" ADD CONSTRAINT "S3TriggerObject_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "S3TriggerObject" ADD CONSTRAINT "S3TriggerObject_dagPk_fkey" FOREIGN KEY ("dagPk") REFERENCES "Dag"("id") ON DELETE CASCADE ON UPDATE CASCADE;
