-- CreateTable
CREATE TABLE "model_budget" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "scope_id" TEXT,
    "period" TEXT NOT NULL,
    "token_limit" BIGINT,
    "cost_limit_micros" BIGINT,
    "requests_per_minute" BIGINT,
    "tokens_per_minute" BIGINT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_budget_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_budget_period" (
    "budget_id" UUID NOT NULL,
    "meter" TEXT NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "tenant_id" UUID NOT NULL,
    "period_end" TIMESTAMPTZ(3) NOT NULL,
    "used" BIGINT NOT NULL DEFAULT 0,
    "leased" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_budget_period_pkey" PRIMARY KEY ("budget_id","meter","period_start")
);

-- CreateTable
CREATE TABLE "model_usage_record" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "actor_type" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL,
    "api_key_id" TEXT,
    "agent_id" TEXT,
    "run_id" TEXT,
    "operation" TEXT NOT NULL,
    "alias" TEXT,
    "provider_id" TEXT,
    "provider_kind" TEXT,
    "model" TEXT,
    "input_tokens" INTEGER NOT NULL,
    "output_tokens" INTEGER NOT NULL,
    "cost_usd" DECIMAL(24,12) NOT NULL,
    "latency_ms" INTEGER NOT NULL,
    "time_to_first_chunk_ms" INTEGER,
    "outcome" TEXT NOT NULL,
    "error_code" TEXT,
    "attempt_count" INTEGER NOT NULL,
    "attempts" JSONB NOT NULL,
    "trace_id" TEXT,
    "streamed" BOOLEAN NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "model_usage_record_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_guardrail_rule" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "detector" TEXT,
    "pattern" TEXT,
    "flags" TEXT NOT NULL DEFAULT '',
    "action" TEXT NOT NULL,
    "aliases" TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_guardrail_rule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_provider" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "base_url" TEXT,
    "options" JSONB NOT NULL DEFAULT '{}',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "timeout_ms" INTEGER,
    "credential_type" TEXT NOT NULL DEFAULT 'none',
    "credential_ciphertext" TEXT,
    "credential_key_id" TEXT,
    "credential_hint" TEXT,
    "credential_version" INTEGER NOT NULL DEFAULT 0,
    "credential_updated_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_provider_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog_model" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "provider_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "provider_model_id" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "supports_tools" BOOLEAN NOT NULL DEFAULT false,
    "supports_vision" BOOLEAN NOT NULL DEFAULT false,
    "supports_structured_output" BOOLEAN NOT NULL DEFAULT false,
    "supports_streaming" BOOLEAN NOT NULL DEFAULT true,
    "context_window" INTEGER,
    "max_output_tokens" INTEGER,
    "dimensions" INTEGER,
    "input_price_per_mtok" DECIMAL(14,6) NOT NULL DEFAULT 0,
    "output_price_per_mtok" DECIMAL(14,6) NOT NULL DEFAULT 0,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "catalog_model_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_alias" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "operation" TEXT NOT NULL,
    "task_classes" TEXT[],
    "strategy" TEXT NOT NULL,
    "targets" JSONB NOT NULL,
    "zero_data_retention" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_alias_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_gateway_settings" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "zero_data_retention" BOOLEAN NOT NULL DEFAULT false,
    "content_capture" BOOLEAN NOT NULL DEFAULT false,
    "default_chat_alias" TEXT,
    "default_embedding_alias" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_gateway_settings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "model_budget_tenant_id_scope_scope_id_idx" ON "model_budget"("tenant_id", "scope", "scope_id");

-- CreateIndex
CREATE UNIQUE INDEX "model_budget_tenant_id_name_key" ON "model_budget"("tenant_id", "name");

-- CreateIndex
CREATE INDEX "model_budget_period_tenant_id_idx" ON "model_budget_period"("tenant_id");

-- CreateIndex
CREATE INDEX "model_budget_period_period_end_idx" ON "model_budget_period"("period_end");

-- CreateIndex
CREATE INDEX "model_usage_record_tenant_id_at_idx" ON "model_usage_record"("tenant_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "model_guardrail_rule_tenant_id_name_key" ON "model_guardrail_rule"("tenant_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "model_guardrail_rule_tenant_id_detector_key" ON "model_guardrail_rule"("tenant_id", "detector");

-- CreateIndex
CREATE INDEX "model_provider_credential_key_id_idx" ON "model_provider"("credential_key_id");

-- CreateIndex
CREATE UNIQUE INDEX "model_provider_tenant_id_name_key" ON "model_provider"("tenant_id", "name");

-- CreateIndex
CREATE INDEX "catalog_model_provider_id_idx" ON "catalog_model"("provider_id");

-- CreateIndex
CREATE UNIQUE INDEX "catalog_model_tenant_id_name_key" ON "catalog_model"("tenant_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "model_alias_tenant_id_name_key" ON "model_alias"("tenant_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "model_gateway_settings_tenant_id_key" ON "model_gateway_settings"("tenant_id");

-- AddForeignKey
ALTER TABLE "catalog_model" ADD CONSTRAINT "catalog_model_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "model_provider"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
