-- The retention purge of finished webhook deliveries reads them oldest first.
CREATE INDEX "webhook_deliveries_finished" ON "ota"."webhook_deliveries"("created_at") WHERE status <> 'pending';
