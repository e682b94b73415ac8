-- AlterTable
ALTER TABLE "ota"."outbox_events" ADD COLUMN     "sequence" BIGSERIAL NOT NULL;

-- CreateTable
CREATE TABLE "ota"."device_updates" (
    "organization_id" VARCHAR(100) NOT NULL,
    "update_id" CHAR(32) NOT NULL,
    "device_id" VARCHAR(255) NOT NULL,
    "campaign_id" CHAR(32),
    "kind" VARCHAR(20) NOT NULL DEFAULT 'update',
    "firmware_id" CHAR(32) NOT NULL,
    "from_version" VARCHAR(50),
    "to_version" VARCHAR(50) NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "priority" VARCHAR(20) NOT NULL DEFAULT 'normal',
    "progress_percentage" INTEGER NOT NULL DEFAULT 0,
    "current_phase" VARCHAR(50),
    "error_code" VARCHAR(100),
    "error_message" VARCHAR(2000),
    "retry_count" INTEGER NOT NULL DEFAULT 0,
    "max_retries" INTEGER NOT NULL DEFAULT 3,
    "timeout_minutes" INTEGER NOT NULL DEFAULT 60,
    "maintenance_window" JSONB,
    "pre_update_commands" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "post_update_commands" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "force" BOOLEAN NOT NULL DEFAULT false,
    "download_size" BIGINT,
    "bytes_downloaded" BIGINT NOT NULL DEFAULT 0,
    "download_speed" DOUBLE PRECISION,
    "signature_verified" BOOLEAN NOT NULL DEFAULT false,
    "checksum_verified" BOOLEAN NOT NULL DEFAULT false,
    "created_by" VARCHAR(255) NOT NULL,
    "scheduled_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "timeout_at" TIMESTAMPTZ(3),
    "next_retry_at" TIMESTAMPTZ(3),
    "progress_written_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "device_updates_pkey" PRIMARY KEY ("organization_id","update_id")
);

-- CreateTable
CREATE TABLE "ota"."device_update_events" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" VARCHAR(100) NOT NULL,
    "update_id" CHAR(32) NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "progress" INTEGER,
    "source" VARCHAR(20) NOT NULL,
    "detail" VARCHAR(2000),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "device_update_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ota"."rollback_logs" (
    "organization_id" VARCHAR(100) NOT NULL,
    "rollback_id" CHAR(32) NOT NULL,
    "device_id" VARCHAR(255) NOT NULL,
    "update_id" CHAR(32) NOT NULL,
    "campaign_id" CHAR(32),
    "from_version" VARCHAR(50),
    "to_version" VARCHAR(50) NOT NULL,
    "reason" VARCHAR(1000),
    "initiated_by" VARCHAR(255) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "rollback_logs_pkey" PRIMARY KEY ("organization_id","rollback_id")
);

-- CreateTable
CREATE TABLE "ota"."device_commands" (
    "id" UUID NOT NULL,
    "sequence" BIGSERIAL NOT NULL,
    "organization_id" VARCHAR(100) NOT NULL,
    "device_id" VARCHAR(255) NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,

    CONSTRAINT "device_commands_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "device_updates_organization_id_device_id_created_at_idx" ON "ota"."device_updates"("organization_id", "device_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "device_updates_organization_id_created_at_idx" ON "ota"."device_updates"("organization_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "device_updates_organization_id_status_idx" ON "ota"."device_updates"("organization_id", "status");

-- CreateIndex
CREATE INDEX "device_updates_timeout_due" ON "ota"."device_updates"("timeout_at") WHERE (timeout_at IS NOT NULL AND status IN ('scheduled', 'in_progress', 'downloading', 'verifying', 'installing', 'awaiting_activation', 'rebooting'));

-- CreateIndex
CREATE INDEX "device_updates_retry_due" ON "ota"."device_updates"("next_retry_at") WHERE (next_retry_at IS NOT NULL AND status = 'failed');

-- CreateIndex
CREATE INDEX "device_updates_organization_id_campaign_id_status_idx" ON "ota"."device_updates"("organization_id", "campaign_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "device_updates_update_id_key" ON "ota"."device_updates"("update_id");

-- CreateIndex
CREATE UNIQUE INDEX "device_updates_one_active_per_device" ON "ota"."device_updates"("organization_id", "device_id") WHERE (status IN ('created', 'scheduled', 'in_progress', 'downloading', 'verifying', 'installing', 'awaiting_activation', 'rebooting'));

-- CreateIndex
CREATE INDEX "device_update_events_organization_id_update_id_id_idx" ON "ota"."device_update_events"("organization_id", "update_id", "id");

-- CreateIndex
CREATE INDEX "rollback_logs_organization_id_device_id_created_at_idx" ON "ota"."rollback_logs"("organization_id", "device_id", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "rollback_logs_organization_id_update_id_key" ON "ota"."rollback_logs"("organization_id", "update_id");

-- CreateIndex
CREATE INDEX "device_commands_published_at_next_attempt_at_idx" ON "ota"."device_commands"("published_at", "next_attempt_at");

-- AddForeignKey
ALTER TABLE "ota"."device_update_events" ADD CONSTRAINT "device_update_events_organization_id_update_id_fkey" FOREIGN KEY ("organization_id", "update_id") REFERENCES "ota"."device_updates"("organization_id", "update_id") ON DELETE CASCADE ON UPDATE CASCADE;
