-- AlterTable
ALTER TABLE "TaskTry" ADD COLUMN     "renderedWith" JSONB;
