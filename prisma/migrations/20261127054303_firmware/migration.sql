-- CreateTable
CREATE TABLE "ota"."firmware" (
    "organization_id" VARCHAR(100) NOT NULL,
    "firmware_id" CHAR(32) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "version" VARCHAR(50) NOT NULL,
    "description" VARCHAR(1000),
    "device_model" VARCHAR(100) NOT NULL,
    "manufacturer" VARCHAR(100),
    "min_hardware_version" VARCHAR(50),
    "max_hardware_version" VARCHAR(50),
    "file_name" VARCHAR(255) NOT NULL,
    "file_size" BIGINT NOT NULL,
    "storage_key" VARCHAR(512) NOT NULL,
    "checksum_md5" CHAR(32) NOT NULL,
    "checksum_sha256" CHAR(64) NOT NULL,
    "tags" TEXT[],
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "is_beta" BOOLEAN NOT NULL DEFAULT false,
    "is_security_update" BOOLEAN NOT NULL DEFAULT false,
    "changelog" VARCHAR(5000),
    "update_type" VARCHAR(20) NOT NULL DEFAULT 'firmware',
    "signature" VARCHAR(200),
    "signing_key_id" VARCHAR(100),
    "signature_verified" BOOLEAN NOT NULL DEFAULT false,
    "download_count" INTEGER NOT NULL DEFAULT 0,
    "created_by" VARCHAR(255) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "firmware_pkey" PRIMARY KEY ("organization_id","firmware_id")
);

-- CreateTable
CREATE TABLE "ota"."firmware_downloads" (
    "id" UUID NOT NULL,
    "organization_id" VARCHAR(100) NOT NULL,
    "firmware_id" CHAR(32) NOT NULL,
    "requested_by" VARCHAR(255) NOT NULL,
    "requested_by_kind" VARCHAR(20) NOT NULL,
    "device_id" VARCHAR(255),
    "file_size" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "firmware_downloads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ota"."signing_keys" (
    "organization_id" VARCHAR(100) NOT NULL,
    "key_id" VARCHAR(100) NOT NULL,
    "public_key" VARCHAR(200) NOT NULL,
    "description" VARCHAR(500),
    "created_by" VARCHAR(255) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "signing_keys_pkey" PRIMARY KEY ("organization_id","key_id")
);

-- CreateIndex
CREATE INDEX "firmware_organization_id_created_at_idx" ON "ota"."firmware"("organization_id", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "firmware_organization_id_device_model_version_key" ON "ota"."firmware"("organization_id", "device_model", "version");

-- CreateIndex
CREATE INDEX "firmware_downloads_organization_id_firmware_id_created_at_idx" ON "ota"."firmware_downloads"("organization_id", "firmware_id", "created_at");

-- CreateIndex
CREATE INDEX "firmware_downloads_organization_id_created_at_idx" ON "ota"."firmware_downloads"("organization_id", "created_at");

-- AddForeignKey
ALTER TABLE "ota"."firmware_downloads" ADD CONSTRAINT "firmware_downloads_organization_id_firmware_id_fkey" FOREIGN KEY ("organization_id", "firmware_id") REFERENCES "ota"."firmware"("organization_id", "firmware_id") ON DELETE CASCADE ON UPDATE CASCADE;
