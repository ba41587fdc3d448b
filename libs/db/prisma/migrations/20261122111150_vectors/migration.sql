-- CreateTable
CREATE TABLE "media_object" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "content_type" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "classification" TEXT NOT NULL DEFAULT 'internal',
    "storage" TEXT NOT NULL,
    "caption" TEXT,
    "caption_model" TEXT,
    "captioned_at" TIMESTAMPTZ(3),
    "created_by_type" TEXT NOT NULL,
    "created_by_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "media_object_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "vector_collection" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "embedding_alias" TEXT NOT NULL,
    "dimensions" INTEGER NOT NULL,
    "metric" TEXT NOT NULL,
    "chunk_strategy" TEXT NOT NULL,
    "chunk_max_tokens" INTEGER NOT NULL,
    "chunk_overlap_tokens" INTEGER NOT NULL,
    "text_search_config" TEXT NOT NULL DEFAULT 'simple',
    "classification" TEXT NOT NULL DEFAULT 'internal',
    "reader_roles" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_by_type" TEXT NOT NULL,
    "created_by_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "vector_collection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "vector_document" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "collection_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "media_id" UUID,
    "source_text" TEXT,
    "content_sha256" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "chunks_total" INTEGER NOT NULL DEFAULT 0,
    "chunks_embedded" INTEGER NOT NULL DEFAULT 0,
    "error_code" TEXT,
    "error_message" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_by_type" TEXT NOT NULL,
    "created_by_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "vector_document_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "vector_chunk" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "collection_id" UUID NOT NULL,
    "document_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "span_start" INTEGER NOT NULL,
    "span_end" INTEGER NOT NULL,
    "heading" TEXT,
    "text" TEXT NOT NULL,
    "token_count" INTEGER NOT NULL,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "dimensions" INTEGER NOT NULL,
    "metric" TEXT NOT NULL,
    "embedding" vector NOT NULL,
    "search_vector" tsvector NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "vector_chunk_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "vector_ingestion_job" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "document_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "run_after" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_owner" TEXT,
    "lease_expires_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "vector_ingestion_job_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "media_object_tenant_id_sha256_idx" ON "media_object"("tenant_id", "sha256");

-- CreateIndex
CREATE INDEX "media_object_tenant_id_created_at_idx" ON "media_object"("tenant_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "vector_collection_tenant_id_name_key" ON "vector_collection"("tenant_id", "name");

-- CreateIndex
CREATE INDEX "vector_document_tenant_id_collection_id_created_at_idx" ON "vector_document"("tenant_id", "collection_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "vector_document_tenant_id_collection_id_content_sha256_key" ON "vector_document"("tenant_id", "collection_id", "content_sha256");

-- CreateIndex
CREATE INDEX "vector_chunk_document_id_position_idx" ON "vector_chunk"("document_id", "position");

-- CreateIndex
CREATE INDEX "vector_chunk_tenant_id_collection_id_idx" ON "vector_chunk"("tenant_id", "collection_id");

-- CreateIndex
CREATE INDEX "vector_ingestion_job_status_run_after_idx" ON "vector_ingestion_job"("status", "run_after");

-- CreateIndex
CREATE INDEX "vector_ingestion_job_document_id_idx" ON "vector_ingestion_job"("document_id");

-- AddForeignKey
ALTER TABLE "vector_document" ADD CONSTRAINT "vector_document_collection_id_fkey" FOREIGN KEY ("collection_id") REFERENCES "vector_collection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vector_chunk" ADD CONSTRAINT "vector_chunk_document_id_fkey" FOREIGN KEY ("document_id") REFERENCES "vector_document"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vector_ingestion_job" ADD CONSTRAINT "vector_ingestion_job_document_id_fkey" FOREIGN KEY ("document_id") REFERENCES "vector_document"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: partial HNSW indexes per (dimensions, metric) on a cast expression, GIN indexes for
-- full text and metadata (Prisma cannot declare them).
-- Search indexes on vector_chunk (owner: libs/vectors/src/lib/search; README "Search").
-- vector_chunk holds every collection of every tenant in one untyped `vector` column, and HNSW needs a
-- typed column, so each index is a partial index on the cast expression for one (dimensions, metric):
-- the kNN query orders by exactly this expression with the same literal predicate, which lets the
-- planner serve ORDER BY ... LIMIT from it. Sizes without an index here are searched exactly
-- (INDEXED_DIMENSIONS in search/distance-metric-sql.ts must list the same sizes).
-- m = 16, ef_construction = 64 (pgvector's defaults); hnsw.ef_search is set per query.

CREATE INDEX IF NOT EXISTS "vector_chunk_384_cosine_hnsw_idx" ON "vector_chunk" USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE dimensions = 384 AND metric = 'cosine';
CREATE INDEX IF NOT EXISTS "vector_chunk_384_l2_hnsw_idx" ON "vector_chunk" USING hnsw ((embedding::vector(384)) vector_l2_ops) WHERE dimensions = 384 AND metric = 'l2';
CREATE INDEX IF NOT EXISTS "vector_chunk_384_inner_product_hnsw_idx" ON "vector_chunk" USING hnsw ((embedding::vector(384)) vector_ip_ops) WHERE dimensions = 384 AND metric = 'inner_product';
CREATE INDEX IF NOT EXISTS "vector_chunk_768_cosine_hnsw_idx" ON "vector_chunk" USING hnsw ((embedding::vector(768)) vector_cosine_ops) WHERE dimensions = 768 AND metric = 'cosine';
CREATE INDEX IF NOT EXISTS "vector_chunk_768_l2_hnsw_idx" ON "vector_chunk" USING hnsw ((embedding::vector(768)) vector_l2_ops) WHERE dimensions = 768 AND metric = 'l2';
CREATE INDEX IF NOT EXISTS "vector_chunk_768_inner_product_hnsw_idx" ON "vector_chunk" USING hnsw ((embedding::vector(768)) vector_ip_ops) WHERE dimensions = 768 AND metric = 'inner_product';
CREATE INDEX IF NOT EXISTS "vector_chunk_1024_cosine_hnsw_idx" ON "vector_chunk" USING hnsw ((embedding::vector(1024)) vector_cosine_ops) WHERE dimensions = 1024 AND metric = 'cosine';
CREATE INDEX IF NOT EXISTS "vector_chunk_1024_l2_hnsw_idx" ON "vector_chunk" USING hnsw ((embedding::vector(1024)) vector_l2_ops) WHERE dimensions = 1024 AND metric = 'l2';
CREATE INDEX IF NOT EXISTS "vector_chunk_1024_inner_product_hnsw_idx" ON "vector_chunk" USING hnsw ((embedding::vector(1024)) vector_ip_ops) WHERE dimensions = 1024 AND metric = 'inner_product';
CREATE INDEX IF NOT EXISTS "vector_chunk_1536_cosine_hnsw_idx" ON "vector_chunk" USING hnsw ((embedding::vector(1536)) vector_cosine_ops) WHERE dimensions = 1536 AND metric = 'cosine';
CREATE INDEX IF NOT EXISTS "vector_chunk_1536_l2_hnsw_idx" ON "vector_chunk" USING hnsw ((embedding::vector(1536)) vector_l2_ops) WHERE dimensions = 1536 AND metric = 'l2';
CREATE INDEX IF NOT EXISTS "vector_chunk_1536_inner_product_hnsw_idx" ON "vector_chunk" USING hnsw ((embedding::vector(1536)) vector_ip_ops) WHERE dimensions = 1536 AND metric = 'inner_product';

-- Full text: websearch_to_tsquery(<collection.text_search_config>, q) @@ search_vector.
CREATE INDEX IF NOT EXISTS "vector_chunk_search_vector_manual_idx" ON "vector_chunk" USING gin (search_vector);
-- Metadata filters (equality / in as jsonb containment) inside a large collection.
CREATE INDEX IF NOT EXISTS "vector_chunk_metadata_manual_idx" ON "vector_chunk" USING gin (metadata jsonb_path_ops);
