-- Every state change of an update is a new row version with an entry in each index of the table,
-- so indexes no query uses go: organization-wide figures are one pass through the primary key, and
-- active updates by firmware use the partial one-active-per-device index. The campaign index
-- leaves out updates outside a campaign.
-- DropIndex
DROP INDEX "ota"."device_updates_organization_id_created_at_idx";

-- DropIndex
DROP INDEX "ota"."device_updates_organization_id_status_idx";

-- DropIndex
DROP INDEX "ota"."device_updates_organization_id_campaign_id_status_idx";

-- CreateIndex
CREATE INDEX "device_updates_campaign" ON "ota"."device_updates"("organization_id", "campaign_id", "status") WHERE (campaign_id IS NOT NULL);
