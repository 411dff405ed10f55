-- DropIndex
DROP INDEX "Alert_firing_idx";

-- CreateIndex
CREATE INDEX "Alert_firing_idx" ON "Alert"("tenantId", "dagId", "event") WHERE (state = 'FIRING');
