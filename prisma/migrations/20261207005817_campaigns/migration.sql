-- DropIndex
DROP INDEX "ota"."device_updates_one_active_per_device";

-- AlterTable
ALTER TABLE "ota"."device_updates" ADD COLUMN     "activation" VARCHAR(10) NOT NULL DEFAULT 'immediate',
ADD COLUMN     "campaign_stage" SMALLINT,
ADD COLUMN     "not_before" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "ota"."campaigns" (
    "organization_id" VARCHAR(100) NOT NULL,
    "campaign_id" CHAR(32) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "description" VARCHAR(1000),
    "firmware_id" CHAR(32) NOT NULL,
    "device_model" VARCHAR(100) NOT NULL,
    "target_devices" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "target_groups" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "target_filters" JSONB,
    "deployment_strategy" VARCHAR(20) NOT NULL,
    "priority" VARCHAR(20) NOT NULL,
    "rollout_percentage" DOUBLE PRECISION NOT NULL,
    "max_concurrent_updates" INTEGER NOT NULL,
    "batch_size" INTEGER NOT NULL,
    "scheduled_start" TIMESTAMPTZ(3),
    "scheduled_end" TIMESTAMPTZ(3),
    "timeout_minutes" INTEGER NOT NULL,
    "auto_rollback" BOOLEAN NOT NULL,
    "failure_threshold_percent" DOUBLE PRECISION NOT NULL,
    "rollback_triggers" TEXT[],
    "requires_approval" BOOLEAN NOT NULL,
    "notify_on_start" BOOLEAN NOT NULL,
    "notify_on_complete" BOOLEAN NOT NULL,
    "notify_on_failure" BOOLEAN NOT NULL,
    "notification_channels" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "stages" INTEGER[],
    "stage_soak_minutes" INTEGER NOT NULL,
    "canary_percentage" DOUBLE PRECISION NOT NULL,
    "canary_duration_minutes" INTEGER NOT NULL,
    "max_retries" INTEGER NOT NULL,
    "min_failure_sample" INTEGER NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "approved" BOOLEAN,
    "approved_by" VARCHAR(255),
    "approved_at" TIMESTAMPTZ(3),
    "approval_comment" VARCHAR(1000),
    "approval_conditions" JSONB,
    "open_stage" INTEGER,
    "activated_at" TIMESTAMPTZ(3),
    "target_device_count" INTEGER NOT NULL DEFAULT 0,
    "total_devices" INTEGER,
    "already_on_target_version" INTEGER,
    "actual_start" TIMESTAMPTZ(3),
    "actual_end" TIMESTAMPTZ(3),
    "last_tick_at" TIMESTAMPTZ(3),
    "created_by" VARCHAR(255) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "campaigns_pkey" PRIMARY KEY ("organization_id","campaign_id")
);

-- CreateTable
CREATE TABLE "ota"."campaign_stages" (
    "organization_id" VARCHAR(100) NOT NULL,
    "campaign_id" CHAR(32) NOT NULL,
    "stage" SMALLINT NOT NULL,
    "percentage" DOUBLE PRECISION NOT NULL,
    "planned" INTEGER NOT NULL,
    "released" INTEGER NOT NULL DEFAULT 0,
    "opened_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "campaign_stages_pkey" PRIMARY KEY ("organization_id","campaign_id","stage")
);

-- CreateTable
CREATE TABLE "ota"."campaign_tallies" (
    "organization_id" VARCHAR(100) NOT NULL,
    "campaign_id" CHAR(32) NOT NULL,
    "kind" VARCHAR(20) NOT NULL,
    "stage" SMALLINT NOT NULL,
    "bucket" VARCHAR(30) NOT NULL,
    "count" BIGINT NOT NULL,

    CONSTRAINT "campaign_tallies_pkey" PRIMARY KEY ("organization_id","campaign_id","kind","stage","bucket")
);

-- CreateTable
CREATE TABLE "ota"."campaign_tally_deltas" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" VARCHAR(100) NOT NULL,
    "campaign_id" CHAR(32) NOT NULL,
    "kind" VARCHAR(20) NOT NULL,
    "stage" SMALLINT NOT NULL,
    "bucket" VARCHAR(30) NOT NULL,
    "delta" BIGINT NOT NULL,

    CONSTRAINT "campaign_tally_deltas_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ota"."campaign_events" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" VARCHAR(100) NOT NULL,
    "campaign_id" CHAR(32) NOT NULL,
    "event" VARCHAR(30) NOT NULL,
    "from_status" VARCHAR(20),
    "to_status" VARCHAR(20) NOT NULL,
    "actor" VARCHAR(255) NOT NULL,
    "actor_kind" VARCHAR(20) NOT NULL,
    "reason" VARCHAR(2000),
    "data" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaign_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ota"."campaign_releases" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" VARCHAR(100) NOT NULL,
    "campaign_id" CHAR(32) NOT NULL,
    "count" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaign_releases_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "campaigns_organization_id_created_at_idx" ON "ota"."campaigns"("organization_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "campaigns_organization_id_firmware_id_idx" ON "ota"."campaigns"("organization_id", "firmware_id");

-- CreateIndex
CREATE INDEX "campaigns_active" ON "ota"."campaigns"("status") WHERE (status IN ('scheduled', 'in_progress', 'paused', 'rolling_back'));

-- CreateIndex
CREATE UNIQUE INDEX "campaigns_campaign_id_key" ON "ota"."campaigns"("campaign_id");

-- CreateIndex
CREATE INDEX "campaign_tally_deltas_organization_id_campaign_id_idx" ON "ota"."campaign_tally_deltas"("organization_id", "campaign_id");

-- CreateIndex
CREATE INDEX "campaign_events_organization_id_campaign_id_id_idx" ON "ota"."campaign_events"("organization_id", "campaign_id", "id");

-- CreateIndex
CREATE INDEX "campaign_releases_organization_id_campaign_id_created_at_idx" ON "ota"."campaign_releases"("organization_id", "campaign_id", "created_at");

-- CreateIndex
CREATE INDEX "device_updates_campaign_release" ON "ota"."device_updates"("organization_id", "campaign_id", "kind", "campaign_stage", "not_before") WHERE (status = 'created');

-- CreateIndex
CREATE UNIQUE INDEX "device_updates_one_active_per_device" ON "ota"."device_updates"("organization_id", "device_id") WHERE (status IN ('scheduled', 'in_progress', 'downloading', 'verifying', 'installing', 'awaiting_activation', 'rebooting'));

-- CreateIndex
CREATE UNIQUE INDEX "device_updates_campaign_device" ON "ota"."device_updates"("organization_id", "campaign_id", "kind", "device_id") WHERE (campaign_id IS NOT NULL);
