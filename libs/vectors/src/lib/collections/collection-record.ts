import type { CollectionRecord, DataClassification, DistanceMetric } from '../vectors.contract';
import type { CollectionRow } from './collections.repository';

export function toCollectionRecord(row: CollectionRow): CollectionRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    embeddingAlias: row.embeddingAlias,
    dimensions: row.dimensions,
    metric: row.metric as DistanceMetric,
    chunking: { strategy: row.chunkStrategy as 'fixed' | 'heading_aware', maxTokens: row.chunkMaxTokens, overlapTokens: row.chunkOverlapTokens },
    textSearchConfig: row.textSearchConfig,
    classification: row.classification as DataClassification,
    readerRoles: row.readerRoles,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
  };
}

/** The fields CASL conditions and decision records see (plain values only). */
export function collectionSubject(row: CollectionRow): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    embeddingAlias: row.embeddingAlias,
    dimensions: row.dimensions,
    metric: row.metric,
    classification: row.classification,
    readerRoles: row.readerRoles,
    createdById: row.createdById,
  };
}
