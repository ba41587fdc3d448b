import { Injectable } from '@nestjs/common';
import type { Prisma } from '@strata/db';
import { newId, RequestContextStore } from '@strata/kernel';
import type { TextChunk } from './chunker';

/** Rows per INSERT statement (each row carries a vector as text: keep statements a few MB at most). */
const INSERT_BATCH = 250;

export interface ChunkTarget {
  collectionId: string;
  documentId: string;
  dimensions: number;
  metric: string;
  textSearchConfig: string;
  metadata: Record<string, unknown>;
}

/**
 * Writes `vector_chunk` rows (raw SQL: Prisma cannot write `vector` or `tsvector` columns). The
 * text vector is computed here, on insert, with the collection's text search configuration.
 */
@Injectable()
export class ChunkStore {
  /** Replaces all chunks of a document inside `tx`: the old ones go, the new ones come, in one commit. */
  async replace(target: ChunkTarget, chunks: TextChunk[], embeddings: number[][], tx: Prisma.TransactionClient): Promise<void> {
    const tenantId = RequestContextStore.requireTenantId();
    await this.deleteFor(target.documentId, tx);
    const metadata = JSON.stringify(target.metadata);
    for (let from = 0; from < chunks.length; from += INSERT_BATCH) {
      const batch = chunks.slice(from, from + INSERT_BATCH);
      const vectors = embeddings.slice(from, from + INSERT_BATCH).map((vector) => `[${vector.join(',')}]`);
      await tx.$executeRaw`
        INSERT INTO vector_chunk (id, tenant_id, collection_id, document_id, position, span_start, span_end, heading, text, token_count,
                                  metadata, dimensions, metric, embedding, search_vector)
        SELECT c.id, ${tenantId}::uuid, ${target.collectionId}::uuid, ${target.documentId}::uuid, c.position, c.span_start, c.span_end, c.heading, c.text,
               c.token_count, ${metadata}::jsonb, ${target.dimensions}::int, ${target.metric}, c.embedding::vector,
               to_tsvector(${target.textSearchConfig}::regconfig, coalesce(c.heading, '') || ' ' || c.text)
        FROM unnest(${batch.map(() => newId())}::uuid[], ${batch.map((chunk) => chunk.position)}::int[], ${batch.map((chunk) => chunk.start)}::int[],
                    ${batch.map((chunk) => chunk.end)}::int[], ${batch.map((chunk) => chunk.heading)}::text[], ${batch.map((chunk) => chunk.text)}::text[],
                    ${batch.map((chunk) => chunk.tokenCount)}::int[], ${vectors}::text[])
             AS c(id, position, span_start, span_end, heading, text, token_count, embedding)`;
    }
  }

  async deleteFor(documentId: string, tx: Prisma.TransactionClient): Promise<void> {
    await tx.$executeRaw`DELETE FROM vector_chunk WHERE tenant_id = ${RequestContextStore.requireTenantId()}::uuid AND document_id = ${documentId}::uuid`;
  }
}
