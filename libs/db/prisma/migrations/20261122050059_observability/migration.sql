-- CreateTable
CREATE TABLE "trace_span" (
    "trace_id" TEXT NOT NULL,
    "span_id" TEXT NOT NULL,
    "parent_span_id" TEXT,
    "tenant_id" UUID,
    "name" TEXT NOT NULL,
    "kind" INTEGER NOT NULL,
    "start_time" TIMESTAMPTZ(6) NOT NULL,
    "end_time" TIMESTAMPTZ(6) NOT NULL,
    "duration_ms" DOUBLE PRECISION NOT NULL,
    "status_code" INTEGER NOT NULL,
    "status_message" TEXT,
    "attributes" JSONB NOT NULL,
    "events" JSONB,
    "service_name" TEXT NOT NULL,
    "agent_id" TEXT,
    "model" TEXT,
    "input_tokens" INTEGER,
    "output_tokens" INTEGER,
    "cost_usd" DECIMAL(18,8),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trace_span_pkey" PRIMARY KEY ("trace_id","span_id")
);

-- CreateTable
CREATE TABLE "data_access_record" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "actor_type" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL,
    "on_behalf_of_type" TEXT,
    "on_behalf_of_id" TEXT,
    "resource_type" TEXT NOT NULL,
    "resource_ids" TEXT[],
    "purpose" TEXT,
    "trace_id" TEXT,
    "request_id" TEXT,

    CONSTRAINT "data_access_record_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "trace_span_tenant_id_start_time_idx" ON "trace_span"("tenant_id", "start_time");

-- CreateIndex
CREATE INDEX "trace_span_trace_id_idx" ON "trace_span"("trace_id");

-- CreateIndex
CREATE INDEX "trace_span_start_time_idx" ON "trace_span"("start_time");

-- CreateIndex
CREATE INDEX "data_access_record_tenant_id_occurred_at_idx" ON "data_access_record"("tenant_id", "occurred_at");

-- CreateIndex
CREATE INDEX "data_access_record_tenant_id_resource_type_occurred_at_idx" ON "data_access_record"("tenant_id", "resource_type", "occurred_at");
