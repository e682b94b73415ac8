-- CreateTable
CREATE TABLE "ota"."devices" (
    "organization_id" VARCHAR(100) NOT NULL,
    "device_id" VARCHAR(255) NOT NULL,
    "device_type" VARCHAR(100),
    "device_model" VARCHAR(100),
    "manufacturer" VARCHAR(100),
    "hardware_version" VARCHAR(50),
    "hardware_version_key" BYTEA,
    "firmware_version" VARCHAR(50),
    "firmware_version_key" BYTEA,
    "groups" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "token_hash" CHAR(64),
    "token_issued_at" TIMESTAMPTZ(3),
    "last_seen_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "devices_pkey" PRIMARY KEY ("organization_id","device_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "devices_token_hash_key" ON "ota"."devices"("token_hash");

-- CreateIndex
CREATE INDEX "devices_organization_id_created_at_idx" ON "ota"."devices"("organization_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "devices_organization_id_device_type_idx" ON "ota"."devices"("organization_id", "device_type");

-- CreateIndex
CREATE INDEX "devices_organization_id_device_model_idx" ON "ota"."devices"("organization_id", "device_model");

-- CreateIndex
CREATE INDEX "devices_organization_id_firmware_version_key_idx" ON "ota"."devices"("organization_id", "firmware_version_key");

-- CreateIndex
CREATE INDEX "devices_groups_idx" ON "ota"."devices" USING GIN ("groups");

-- CreateIndex
CREATE INDEX "devices_tags_idx" ON "ota"."devices" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "devices_attributes_idx" ON "ota"."devices" USING GIN ("attributes" jsonb_path_ops);
