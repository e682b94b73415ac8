-- CreateTable
CREATE TABLE "ota"."audit_events" (
    "id" UUID NOT NULL,
    "sequence" BIGSERIAL NOT NULL,
    "organization_id" VARCHAR(100) NOT NULL,
    "actor_kind" VARCHAR(20) NOT NULL,
    "actor_id" VARCHAR(255) NOT NULL,
    "actor_roles" TEXT[],
    "action" VARCHAR(100) NOT NULL,
    "resource_type" VARCHAR(50) NOT NULL,
    "resource_id" VARCHAR(255),
    "summary" JSONB NOT NULL,
    "request_id" VARCHAR(128),
    "client_ip" VARCHAR(100),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_events_organization_id_created_at_sequence_idx" ON "ota"."audit_events"("organization_id", "created_at" DESC, "sequence" DESC);

-- CreateIndex
CREATE INDEX "audit_events_organization_id_resource_type_resource_id_crea_idx" ON "ota"."audit_events"("organization_id", "resource_type", "resource_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "audit_events_organization_id_actor_id_created_at_idx" ON "ota"."audit_events"("organization_id", "actor_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "audit_events_created_at_idx" ON "ota"."audit_events"("created_at");
