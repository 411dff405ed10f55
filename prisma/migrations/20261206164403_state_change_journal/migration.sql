-- CreateEnum
CREATE TYPE "StateEntity" AS ENUM ('task', 'run');

-- CreateTable
CREATE TABLE "StateChange" (
    "id" BIGSERIAL NOT NULL,
    "xid" xid8 NOT NULL DEFAULT pg_current_xact_id(),
    "tenantId" UUID NOT NULL,
    "entity" "StateEntity" NOT NULL,
    "entityId" UUID NOT NULL,
    "dagRunId" UUID NOT NULL,
    "dagId" TEXT NOT NULL,
    "taskId" TEXT,
    "tryNumber" INTEGER,
    "state" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "StateChange_pkey" PRIMARY KEY ("id")
);
