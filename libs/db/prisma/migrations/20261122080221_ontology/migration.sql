-- CreateTable
CREATE TABLE "ontology_action_type" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "api_name" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL,
    "definition" JSONB NOT NULL,
    "webhook_secret" TEXT NOT NULL,
    "created_by_type" TEXT NOT NULL,
    "created_by_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "ontology_action_type_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ontology_action_type_version" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "action_type_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "api_name" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "change" TEXT NOT NULL,
    "changed_by_type" TEXT NOT NULL,
    "changed_by_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ontology_action_type_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ontology_action" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "action_type_id" UUID NOT NULL,
    "action_type_api_name" TEXT NOT NULL,
    "action_type_version" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "parameters" JSONB NOT NULL,
    "changes" JSONB NOT NULL DEFAULT '[]',
    "events" JSONB NOT NULL DEFAULT '[]',
    "webhooks" JSONB NOT NULL DEFAULT '[]',
    "criteria" JSONB NOT NULL DEFAULT '[]',
    "error" JSONB,
    "actor_type" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL,
    "actor_roles" TEXT[],
    "on_behalf_of_type" TEXT,
    "on_behalf_of_id" TEXT,
    "purpose" TEXT,
    "request_id" TEXT,
    "approval_id" UUID,
    "revert_of_id" UUID,
    "reverted_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "applied_at" TIMESTAMPTZ(3),
    "reverted_at" TIMESTAMPTZ(3),

    CONSTRAINT "ontology_action_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ontology_object_type" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "api_name" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "primary_key" TEXT NOT NULL,
    "title_property" TEXT NOT NULL,
    "properties" JSONB NOT NULL,
    "schema_version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ontology_object_type_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ontology_link_type" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "api_name" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "from_type_api_name" TEXT NOT NULL,
    "to_type_api_name" TEXT NOT NULL,
    "cardinality" TEXT NOT NULL,
    "properties" JSONB NOT NULL,
    "schema_version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ontology_link_type_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ontology_schema_version" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "snapshot" JSONB NOT NULL,
    "changes" JSONB NOT NULL,
    "summary" TEXT NOT NULL,
    "created_by_type" TEXT NOT NULL,
    "created_by_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ontology_schema_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ontology_object" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "type_api_name" TEXT NOT NULL,
    "primary_key_value" TEXT NOT NULL,
    "properties" JSONB NOT NULL,
    "version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    "created_by_type" TEXT NOT NULL,
    "created_by_id" TEXT NOT NULL,
    "updated_by_type" TEXT NOT NULL,
    "updated_by_id" TEXT NOT NULL,

    CONSTRAINT "ontology_object_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ontology_link" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "link_type_api_name" TEXT NOT NULL,
    "from_object_id" UUID NOT NULL,
    "to_object_id" UUID NOT NULL,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    "created_by_type" TEXT NOT NULL,
    "created_by_id" TEXT NOT NULL,
    "deleted_by_type" TEXT,
    "deleted_by_id" TEXT,

    CONSTRAINT "ontology_link_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ontology_object_history" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "object_id" UUID NOT NULL,
    "type_api_name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "change_kind" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "changed_properties" TEXT[],
    "actor_type" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL,
    "on_behalf_of_type" TEXT,
    "on_behalf_of_id" TEXT,
    "action_id" UUID,
    "action_type_api_name" TEXT,
    "request_id" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ontology_object_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ontology_event" (
    "tenant_id" UUID NOT NULL,
    "sequence" BIGINT NOT NULL,
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "object_type_api_name" TEXT,
    "object_id" UUID,
    "link_type_api_name" TEXT,
    "link_id" UUID,
    "action_id" UUID,
    "action_type_api_name" TEXT,
    "actor_type" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ontology_event_pkey" PRIMARY KEY ("tenant_id","sequence")
);

-- CreateTable
CREATE TABLE "ontology_event_head" (
    "tenant_id" UUID NOT NULL,
    "last_sequence" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ontology_event_head_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateIndex
CREATE INDEX "ontology_action_type_tenant_id_api_name_idx" ON "ontology_action_type"("tenant_id", "api_name");

-- CreateIndex
CREATE INDEX "ontology_action_type_version_tenant_id_action_type_id_idx" ON "ontology_action_type_version"("tenant_id", "action_type_id");

-- CreateIndex
CREATE UNIQUE INDEX "ontology_action_type_version_action_type_id_version_key" ON "ontology_action_type_version"("action_type_id", "version");

-- CreateIndex
CREATE UNIQUE INDEX "ontology_action_approval_id_key" ON "ontology_action"("approval_id");

-- CreateIndex
CREATE UNIQUE INDEX "ontology_action_revert_of_id_key" ON "ontology_action"("revert_of_id");

-- CreateIndex
CREATE INDEX "ontology_action_tenant_id_created_at_idx" ON "ontology_action"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "ontology_action_tenant_id_action_type_id_idx" ON "ontology_action"("tenant_id", "action_type_id");

-- CreateIndex
CREATE UNIQUE INDEX "ontology_object_type_tenant_id_api_name_key" ON "ontology_object_type"("tenant_id", "api_name");

-- CreateIndex
CREATE UNIQUE INDEX "ontology_link_type_tenant_id_api_name_key" ON "ontology_link_type"("tenant_id", "api_name");

-- CreateIndex
CREATE UNIQUE INDEX "ontology_schema_version_tenant_id_version_key" ON "ontology_schema_version"("tenant_id", "version");

-- CreateIndex
CREATE INDEX "ontology_object_tenant_id_type_api_name_created_at_idx" ON "ontology_object"("tenant_id", "type_api_name", "created_at");

-- CreateIndex
CREATE INDEX "ontology_object_properties_gin_idx" ON "ontology_object" USING GIN ("properties" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "ontology_link_tenant_id_link_type_api_name_from_object_id_t_idx" ON "ontology_link"("tenant_id", "link_type_api_name", "from_object_id", "to_object_id");

-- CreateIndex
CREATE INDEX "ontology_link_tenant_id_link_type_api_name_to_object_id_fro_idx" ON "ontology_link"("tenant_id", "link_type_api_name", "to_object_id", "from_object_id");

-- CreateIndex
CREATE INDEX "ontology_link_tenant_id_from_object_id_idx" ON "ontology_link"("tenant_id", "from_object_id");

-- CreateIndex
CREATE INDEX "ontology_link_tenant_id_to_object_id_idx" ON "ontology_link"("tenant_id", "to_object_id");

-- CreateIndex
CREATE INDEX "ontology_object_history_tenant_id_object_id_idx" ON "ontology_object_history"("tenant_id", "object_id");

-- CreateIndex
CREATE UNIQUE INDEX "ontology_object_history_object_id_version_key" ON "ontology_object_history"("object_id", "version");

-- CreateIndex
CREATE UNIQUE INDEX "ontology_event_id_key" ON "ontology_event"("id");

-- Hand-written (Prisma cannot express these): ontology-actions
-- An action type's api name is unique per tenant among live (not deleted) action types.
CREATE UNIQUE INDEX "ontology_action_type_live_api_name_manual_idx" ON "ontology_action_type" ("tenant_id", "api_name") WHERE "deleted_at" IS NULL;

-- Hand-written (Prisma cannot express these): ontology.prisma
-- Ontology (libs/ontology): indexes Prisma cannot declare.
-- A type's primary key value is unique among its live (not soft-deleted) objects.
CREATE UNIQUE INDEX "ontology_object_pk_manual_idx" ON "ontology_object" ("tenant_id", "type_api_name", "primary_key_value") WHERE "deleted_at" IS NULL;
-- Live-object listing per type.
CREATE INDEX "ontology_object_live_manual_idx" ON "ontology_object" ("tenant_id", "type_api_name", "id") WHERE "deleted_at" IS NULL;
-- Text search over string property values: jsonb_to_tsvector('simple', properties, '["string"]').
CREATE INDEX "ontology_object_search_manual_idx" ON "ontology_object" USING gin (jsonb_to_tsvector('simple'::regconfig, "properties", '["string"]'::jsonb));
-- At most one live link of a type between the same two objects.
CREATE UNIQUE INDEX "ontology_link_pair_manual_idx" ON "ontology_link" ("tenant_id", "link_type_api_name", "from_object_id", "to_object_id") WHERE "deleted_at" IS NULL;
-- Traversal (libs/ontology queries/traversal.ts): covering indexes over live links in both
-- directions, so a hop is an index-only scan (no heap visit per link) for given link types.
CREATE INDEX "ontology_link_out_manual_idx" ON "ontology_link" ("tenant_id", "link_type_api_name", "from_object_id") INCLUDE ("to_object_id", "id") WHERE "deleted_at" IS NULL;
CREATE INDEX "ontology_link_in_manual_idx" ON "ontology_link" ("tenant_id", "link_type_api_name", "to_object_id") INCLUDE ("from_object_id", "id") WHERE "deleted_at" IS NULL;
-- Traversal: a reached object's tenant, type and liveness checked from the index alone.
CREATE INDEX "ontology_object_live_id_manual_idx" ON "ontology_object" ("id") INCLUDE ("tenant_id", "type_api_name") WHERE "deleted_at" IS NULL;
