import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CollectionsService, VectorSearchService, type CollectionRecord, type SearchMode, type VectorSearchApi } from '@strata/vectors';
import type { ToolReference } from '../agents/agent-spec';
import { approvalOf, toolNameFrom } from './tool-descriptor-parts';
import type { ToolDescriptor, ToolInvocation, ToolOutcome, ToolProvider, ToolResolutionContext } from './tool.contract';
import { UnknownToolError } from './tool.errors';

type VectorReference = Extract<ToolReference, { kind: 'vector_search' }>;

/** Characters of each hit's text handed to the model. */
const HIT_TEXT_MAX = 2_000;

/**
 * `{ kind: 'vector_search' }`: search over one named collection through the vectors layer's
 * VectorSearchService (which authorizes the collection for the caller, applies readerRoles and the
 * document read policy, and logs the data access under the run's purpose). `read`.
 */
@Injectable()
export class VectorSearchToolProvider implements ToolProvider {
  readonly id = 'vector_search';

  // The vectors module is not global and the context module does not import it: its services are
  // looked up in the application's module graph at first use.
  constructor(private readonly moduleRef: ModuleRef) {}

  async describe(reference: ToolReference, context: ToolResolutionContext): Promise<ToolDescriptor[]> {
    void context;
    if (reference.kind !== 'vector_search') throw new UnknownToolError(reference.kind, 'not a vector_search reference');
    let collection: CollectionRecord;
    try {
      collection = await this.collections().get(reference.collection);
    } catch (error) {
      if (isNotFound(error)) throw new UnknownToolError(reference.collection, 'no collection with this name in the tenant (or not readable)');
      throw error;
    }
    return [
      {
        name: reference.name ?? toolNameFrom(`search_${collection.name}`),
        description: (reference.description ?? `Searches the ${collection.name} collection${collection.description ? ` (${collection.description})` : ''} and returns the best matching passages with their document and score.`).slice(0, 2000),
        parameters: {
          type: 'object',
          properties: {
            query: { type: 'string', minLength: 1, maxLength: 2000, description: 'What to look for, in words.' },
            topK: { type: 'integer', minimum: 1, maximum: reference.topK, description: `At most ${reference.topK}.` },
          },
          required: ['query'],
          additionalProperties: false,
        },
        reference,
        provider: this.id,
        execution: 'read',
        permission: { action: 'read', subject: 'Collection', record: { id: collection.id, name: collection.name, classification: collection.classification } },
        approval: approvalOf(reference),
      },
    ];
  }

  async execute(descriptor: ToolDescriptor, invocation: ToolInvocation): Promise<ToolOutcome> {
    const reference = descriptor.reference as VectorReference;
    const args = invocation.arguments as { query: string; topK?: number };
    const response = await this.search().search({
      collection: String(descriptor.permission.record?.['id'] ?? reference.collection),
      query: args.query,
      mode: reference.mode as SearchMode,
      topK: Math.min(args.topK ?? reference.topK, reference.topK),
    });
    return {
      status: 'ok',
      content: {
        collection: reference.collection,
        mode: response.mode,
        hits: response.hits.map((hit) => ({
          document: hit.documentName,
          documentId: hit.documentId,
          heading: hit.heading,
          position: hit.position,
          score: Number(hit.score.toFixed(4)),
          text: hit.text.length > HIT_TEXT_MAX ? `${hit.text.slice(0, HIT_TEXT_MAX)}…` : hit.text,
        })),
      },
    };
  }

  private search(): VectorSearchApi {
    return this.moduleRef.get(VectorSearchService, { strict: false });
  }

  private collections(): CollectionsService {
    return this.moduleRef.get(CollectionsService, { strict: false });
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { kind?: string }).kind === 'not_found';
}
