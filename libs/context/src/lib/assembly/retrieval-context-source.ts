import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { VectorSearchService, type SearchHit, type VectorSearchApi } from '@strata/vectors';
import type { ContextSource } from '../agents/agent-spec';
import { ContextError } from '../context.errors';
import type { SourceCandidate } from './context-sections';

export const RETRIEVAL_SOURCE_LIMITS = { defaultTopK: 5, chunkChars: 4_000 } as const;

/**
 * Retrieved chunks: the latest user message searched (hybrid) in each of the source's collections
 * through the vectors layer — authorized for the run's principal, logged as data access with the
 * run's purpose there. Hits of all collections are merged by score, best first; a collection that
 * fails (unknown, not readable) fails the whole source, which the report shows.
 */
@Injectable()
export class RetrievalContextSource {
  constructor(private readonly moduleRef: ModuleRef) {}

  /**
   * The vectors module is not global and the context module does not import it: its search service
   * is looked up in the application's module graph at first use.
   */
  private get search(): VectorSearchApi | undefined {
    try {
      return this.moduleRef.get(VectorSearchService, { strict: false });
    } catch {
      return undefined;
    }
  }

  async candidates(source: ContextSource, query: string, purpose: string): Promise<SourceCandidate[]> {
    const search = this.search;
    if (!search) throw new ContextError('context.source_unavailable', 'unavailable', 'Vector search is not available to the context layer in this process.');
    if (!query.trim()) return [];
    const topK = source.topK ?? RETRIEVAL_SOURCE_LIMITS.defaultTopK;
    const hits: Array<SearchHit & { collection: string }> = [];
    for (const collection of source.collections ?? []) {
      const response = await search.search({ collection, query, mode: 'hybrid', topK, purpose });
      hits.push(...response.hits.map((hit) => ({ ...hit, collection })));
    }
    hits.sort((a, b) => b.score - a.score);
    return hits.slice(0, topK * Math.max(1, source.collections?.length ?? 1)).map((hit) => ({
      id: hit.chunkId,
      kind: 'chunk',
      // Continuation lines indented, so a multi-line chunk stays one item of the list.
      text: `- [${hit.collection} / ${hit.documentName}${hit.heading ? ` / ${hit.heading}` : ''}] ${clip(hit.text).trim().replace(/\n+/g, '\n  ')}`,
      reason: `score ${hit.score.toFixed(3)} in ${hit.collection}`,
    }));
  }
}

function clip(text: string): string {
  return text.length > RETRIEVAL_SOURCE_LIMITS.chunkChars ? `${text.slice(0, RETRIEVAL_SOURCE_LIMITS.chunkChars)}…` : text;
}
