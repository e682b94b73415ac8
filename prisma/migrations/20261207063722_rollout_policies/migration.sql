-- DropIndex
DROP INDEX "ota"."device_updates_timeout_due";

-- DropIndex
DROP INDEX "ota"."device_updates_one_active_per_device";

-- AlterTable
ALTER TABLE "ota"."device_updates" ADD COLUMN     "health_confirmed_at" TIMESTAMPTZ(3),
ADD COLUMN     "health_deadline" TIMESTAMPTZ(3),
ADD COLUMN     "time_zone" VARCHAR(64),
ADD COLUMN     "window_ends_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "ota"."campaigns" ADD COLUMN     "continuous" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "default_time_zone" VARCHAR(64),
ADD COLUMN     "device_time_zones" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "health_check_window_minutes" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "join_cursor" TIMESTAMPTZ(3),
ADD COLUMN     "maintenance_windows" JSONB,
ADD COLUMN     "release_credit" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "requires_device_confirmation" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "retry_of" CHAR(32),
ADD COLUMN     "rollout_rate" JSONB;

-- CreateTable
CREATE TABLE "ota"."webhook_secrets" (
    "organization_id" VARCHAR(100) NOT NULL,
    "secret" VARCHAR(128) NOT NULL,
    "created_by" VARCHAR(255) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhook_secrets_pkey" PRIMARY KEY ("organization_id")
);

-- CreateTable
CREATE TABLE "ota"."webhook_deliveries" (
    "organization_id" VARCHAR(100) NOT NULL,
    "delivery_id" CHAR(32) NOT NULL,
    "campaign_id" CHAR(32),
    "event_id" VARCHAR(64),
    "event_type" VARCHAR(100) NOT NULL,
    "url" VARCHAR(2048) NOT NULL,
    "payload" JSONB NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "last_status_code" INTEGER,
    "last_error" VARCHAR(1000),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("organization_id","delivery_id")
);

-- CreateIndex
CREATE INDEX "webhook_deliveries_organization_id_created_at_idx" ON "ota"."webhook_deliveries"("organization_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "webhook_deliveries_due" ON "ota"."webhook_deliveries"("next_attempt_at") WHERE (status = 'pending');

-- CreateIndex
CREATE INDEX "devices_organization_id_updated_at_idx" ON "ota"."devices"("organization_id", "updated_at");

-- CreateIndex
CREATE INDEX "device_updates_health_due" ON "ota"."device_updates"("health_deadline") WHERE (health_deadline IS NOT NULL);

-- CreateIndex
CREATE INDEX "device_updates_timeout_due" ON "ota"."device_updates"("timeout_at") WHERE (timeout_at IS NOT NULL AND status IN ('scheduled', 'awaiting_confirmation', 'in_progress', 'downloading', 'verifying', 'installing', 'awaiting_activation', 'rebooting'));

-- CreateIndex
CREATE UNIQUE INDEX "device_updates_one_active_per_device" ON "ota"."device_updates"("organization_id", "device_id") WHERE (status IN ('scheduled', 'awaiting_confirmation', 'in_progress', 'downloading', 'verifying', 'installing', 'awaiting_activation', 'rebooting'));

-- The check-in notification triggers (migration check_in_notifications) with the new released status.
CREATE OR REPLACE FUNCTION ota.notify_check_in_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ota.notify_check_in(s.devices, s.organizations)
     FROM (WITH changed AS MATERIALIZED (SELECT n.organization_id AS o, n.device_id AS d FROM new_rows n WHERE n.status IN ('scheduled', 'awaiting_confirmation', 'in_progress', 'downloading', 'verifying', 'installing', 'awaiting_activation', 'rebooting'))
           SELECT (SELECT jsonb_agg(jsonb_build_object('o', few.o, 'd', few.d)) FROM (SELECT * FROM changed LIMIT 257) few) AS devices,
                  (SELECT jsonb_agg(DISTINCT changed.o) FROM changed) AS organizations) s;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION ota.notify_check_in_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ota.notify_check_in(s.devices, s.organizations)
     FROM (WITH changed AS MATERIALIZED (SELECT r.organization_id AS o, r.device_id AS d FROM old_rows r WHERE r.status IN ('scheduled', 'awaiting_confirmation', 'in_progress', 'downloading', 'verifying', 'installing', 'awaiting_activation', 'rebooting'))
           SELECT (SELECT jsonb_agg(jsonb_build_object('o', few.o, 'd', few.d)) FROM (SELECT * FROM changed LIMIT 257) few) AS devices,
                  (SELECT jsonb_agg(DISTINCT changed.o) FROM changed) AS organizations) s;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION ota.notify_check_in_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ota.notify_check_in(s.devices, s.organizations)
     FROM (WITH changed AS MATERIALIZED (
             SELECT n.organization_id AS o, n.device_id AS d
               FROM new_rows n JOIN old_rows r ON r.organization_id = n.organization_id AND r.update_id = n.update_id
              WHERE (r.status IN ('scheduled', 'awaiting_confirmation', 'in_progress', 'downloading', 'verifying', 'installing', 'awaiting_activation', 'rebooting') OR n.status IN ('scheduled', 'awaiting_confirmation', 'in_progress', 'downloading', 'verifying', 'installing', 'awaiting_activation', 'rebooting'))
                AND (r.status, r.retry_count, r.timeout_at, r.firmware_id, r.to_version, r.kind, r.force, r.activation, r.device_id)
                    IS DISTINCT FROM (n.status, n.retry_count, n.timeout_at, n.firmware_id, n.to_version, n.kind, n.force, n.activation, n.device_id))
           SELECT (SELECT jsonb_agg(jsonb_build_object('o', few.o, 'd', few.d)) FROM (SELECT * FROM changed LIMIT 257) few) AS devices,
                  (SELECT jsonb_agg(DISTINCT changed.o) FROM changed) AS organizations) s;
  RETURN NULL;
END $$;
