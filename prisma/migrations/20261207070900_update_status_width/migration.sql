-- AlterTable: `awaiting_confirmation` is 21 characters.
ALTER TABLE "ota"."device_updates" ALTER COLUMN "status" SET DATA TYPE VARCHAR(30);

-- AlterTable
ALTER TABLE "ota"."device_update_events" ALTER COLUMN "status" SET DATA TYPE VARCHAR(30);

-- The partial indexes on status, rebuilt so their predicates read as a fresh build writes them
-- (altering the column's type rewrites them with casts).
DROP INDEX "ota"."device_updates_timeout_due";
DROP INDEX "ota"."device_updates_one_active_per_device";
CREATE INDEX "device_updates_timeout_due" ON "ota"."device_updates"("timeout_at") WHERE (timeout_at IS NOT NULL AND status IN ('scheduled', 'awaiting_confirmation', 'in_progress', 'downloading', 'verifying', 'installing', 'awaiting_activation', 'rebooting'));
CREATE UNIQUE INDEX "device_updates_one_active_per_device" ON "ota"."device_updates"("organization_id", "device_id") WHERE (status IN ('scheduled', 'awaiting_confirmation', 'in_progress', 'downloading', 'verifying', 'installing', 'awaiting_activation', 'rebooting'));
