-- CreateTable
CREATE TABLE "context_agent" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL,
    "spec" JSONB NOT NULL,
    "created_by_type" TEXT NOT NULL,
    "created_by_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "context_agent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "context_agent_version" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "agent_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "spec" JSONB NOT NULL,
    "change" TEXT NOT NULL,
    "changed_by_type" TEXT NOT NULL,
    "changed_by_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "context_agent_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agent_memory" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "agent_id" UUID NOT NULL,
    "user_id" TEXT,
    "kind" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "session_id" UUID,
    "through_seq" INTEGER,
    "embedding_model" TEXT NOT NULL,
    "dimensions" INTEGER NOT NULL,
    "embedding" vector NOT NULL,
    "idempotency_key" TEXT,
    "created_by_type" TEXT NOT NULL,
    "created_by_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agent_memory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agent_working_memory" (
    "tenant_id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agent_working_memory_pkey" PRIMARY KEY ("tenant_id","session_id","key")
);

-- CreateTable
CREATE TABLE "context_session" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "agent_id" UUID NOT NULL,
    "user_type" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "title" TEXT NOT NULL DEFAULT '',
    "purpose" TEXT NOT NULL,
    "next_seq" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "context_session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "context_message" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "run_id" UUID,
    "role" TEXT NOT NULL,
    "message" JSONB NOT NULL,
    "untrusted" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "context_message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "context_run" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "agent_id" UUID NOT NULL,
    "agent_version" INTEGER NOT NULL,
    "agent_name" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "reason" JSONB,
    "purpose" TEXT NOT NULL,
    "on_behalf_of_type" TEXT NOT NULL,
    "on_behalf_of_id" TEXT NOT NULL,
    "on_behalf_of_roles" TEXT[],
    "input_message_id" UUID NOT NULL,
    "input" TEXT NOT NULL,
    "input_written" BOOLEAN NOT NULL DEFAULT false,
    "steps" INTEGER NOT NULL DEFAULT 0,
    "tokens" INTEGER NOT NULL DEFAULT 0,
    "cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "extra_budget_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "active_ms" INTEGER NOT NULL DEFAULT 0,
    "output" TEXT,
    "waiting_approval_id" UUID,
    "waiting_kind" TEXT,
    "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
    "cancel_reason" TEXT,
    "lease_owner" TEXT,
    "lease_expires_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_event_seq" INTEGER NOT NULL DEFAULT 1,
    "trace_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "context_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "context_run_step" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "messages" JSONB NOT NULL,
    "tools" JSONB NOT NULL,
    "report" JSONB NOT NULL,
    "output" JSONB NOT NULL,
    "tokens" INTEGER NOT NULL,
    "cost_usd" DOUBLE PRECISION NOT NULL,
    "trace_id" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "context_run_step_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "context_tool_call" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "step_index" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "call_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arguments_raw" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "approval_id" UUID,
    "outcome" JSONB,
    "idempotency_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "context_tool_call_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "context_effect" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "tool_name" TEXT NOT NULL,
    "execution" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "effects" TEXT[],
    "result" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "context_effect_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "context_run_event" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "context_run_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "context_agent_tenant_id_name_idx" ON "context_agent"("tenant_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "context_agent_version_tenant_id_agent_id_version_key" ON "context_agent_version"("tenant_id", "agent_id", "version");

-- CreateIndex
CREATE INDEX "agent_memory_tenant_id_agent_id_user_id_created_at_idx" ON "agent_memory"("tenant_id", "agent_id", "user_id", "created_at");

-- CreateIndex
CREATE INDEX "agent_memory_tenant_id_session_id_kind_idx" ON "agent_memory"("tenant_id", "session_id", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "agent_memory_tenant_id_idempotency_key_key" ON "agent_memory"("tenant_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "context_session_tenant_id_agent_id_created_at_idx" ON "context_session"("tenant_id", "agent_id", "created_at");

-- CreateIndex
CREATE INDEX "context_session_tenant_id_user_id_created_at_idx" ON "context_session"("tenant_id", "user_id", "created_at");

-- CreateIndex
CREATE INDEX "context_message_tenant_id_session_id_idx" ON "context_message"("tenant_id", "session_id");

-- CreateIndex
CREATE UNIQUE INDEX "context_message_session_id_seq_key" ON "context_message"("session_id", "seq");

-- CreateIndex
CREATE INDEX "context_run_status_created_at_idx" ON "context_run"("status", "created_at");

-- CreateIndex
CREATE INDEX "context_run_tenant_id_session_id_created_at_idx" ON "context_run"("tenant_id", "session_id", "created_at");

-- CreateIndex
CREATE INDEX "context_run_tenant_id_agent_id_created_at_idx" ON "context_run"("tenant_id", "agent_id", "created_at");

-- CreateIndex
CREATE INDEX "context_run_waiting_approval_id_idx" ON "context_run"("waiting_approval_id");

-- CreateIndex
CREATE INDEX "context_run_step_tenant_id_run_id_idx" ON "context_run_step"("tenant_id", "run_id");

-- CreateIndex
CREATE UNIQUE INDEX "context_run_step_run_id_index_key" ON "context_run_step"("run_id", "index");

-- CreateIndex
CREATE INDEX "context_tool_call_tenant_id_run_id_idx" ON "context_tool_call"("tenant_id", "run_id");

-- CreateIndex
CREATE UNIQUE INDEX "context_tool_call_run_id_step_index_position_key" ON "context_tool_call"("run_id", "step_index", "position");

-- CreateIndex
CREATE UNIQUE INDEX "context_tool_call_idempotency_key_key" ON "context_tool_call"("idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "context_effect_idempotency_key_key" ON "context_effect"("idempotency_key");

-- CreateIndex
CREATE INDEX "context_effect_tenant_id_run_id_idx" ON "context_effect"("tenant_id", "run_id");

-- CreateIndex
CREATE UNIQUE INDEX "context_run_event_run_id_seq_key" ON "context_run_event"("run_id", "seq");

-- Hand-written: partial unique index on live agent names, partial HNSW indexes for memories.
-- One live agent per name in a tenant (deleted agents keep their name free for reuse).
CREATE UNIQUE INDEX "context_agent_live_name_manual_idx" ON "context_agent" ("tenant_id", "name") WHERE "deleted_at" IS NULL;
-- Long-term agent memories (libs/context/src/lib/memory): partial HNSW indexes per common embedding
-- size on the cast expression, used by the recall query (same expression, same WHERE). Other sizes
-- are searched exactly (a tenant's memories of one agent and user are few).
CREATE INDEX IF NOT EXISTS "agent_memory_384_cosine_hnsw_idx" ON "agent_memory" USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE dimensions = 384;
CREATE INDEX IF NOT EXISTS "agent_memory_768_cosine_hnsw_idx" ON "agent_memory" USING hnsw ((embedding::vector(768)) vector_cosine_ops) WHERE dimensions = 768;
CREATE INDEX IF NOT EXISTS "agent_memory_1024_cosine_hnsw_idx" ON "agent_memory" USING hnsw ((embedding::vector(1024)) vector_cosine_ops) WHERE dimensions = 1024;
CREATE INDEX IF NOT EXISTS "agent_memory_1536_cosine_hnsw_idx" ON "agent_memory" USING hnsw ((embedding::vector(1536)) vector_cosine_ops) WHERE dimensions = 1536;
