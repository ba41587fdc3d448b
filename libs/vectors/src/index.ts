export { VectorsModule } from './lib/vectors.module';
export { VectorsError } from './lib/vectors.errors';
// Internal contracts (README "Internal contracts"): media, collections, ingestion, search.
export * from './lib/vectors.contract';
// Collections and document ingestion (collections/, ingestion/).
export { CollectionsService } from './lib/collections/collections.service';
export { DocumentsService, type QueuedDocument } from './lib/ingestion/documents.service';
export { IngestionWorker } from './lib/ingestion/ingestion-worker';
export { COLLECTION_SUBJECT, DOCUMENT_SUBJECT } from './lib/collections/vectors-permissions';
export { chunkDocument, countTokens, type ChunkingPolicy, type TextChunk } from './lib/ingestion/chunker';
// Media store (media/): content-addressed files on local disk or S3, image captions.
export { MediaService, type MediaView, type StoredMedia, type MediaMetadataInput } from './lib/media/media.service';
export { MediaCaptioner, type CaptionRequest, type CaptionResult } from './lib/media/media-captioner';
export { MEDIA_SUBJECT } from './lib/media/media-permissions';
export { ALLOWED_MEDIA_TYPES, IMAGE_MEDIA_TYPES, TEXT_MEDIA_TYPES } from './lib/media/media-type-sniffer';
export { VECTORS_CONFIG } from './lib/vectors-config';
// Search (search/): vector kNN, full text and hybrid (reciprocal rank fusion) over a collection.
export { VectorSearchService, SEARCH_RESOURCE_TYPES, type SearchOptions } from './lib/search/vector-search.service';
export { SearchApiLane, type SearchLaneRoute } from './lib/search/search-api.lane';
export { SEARCH_LIMITS } from './lib/search/search-request.schema';
export { VECTOR_PLAN_LIMITS, type VectorStrategy } from './lib/search/vector-search-plan';
export { INDEXED_DIMENSIONS } from './lib/search/distance-metric-sql';
export { reciprocalRankFusion, DEFAULT_RRF_K } from './lib/search/reciprocal-rank-fusion';
export { SearchDimensionMismatchError, SearchPurposeConflictError, SearchTimeoutError, DocumentPolicyTooBroadError } from './lib/search/search.errors';
// For benchmarks that time the search statement without the service around it.
export { ChunkSearchRepository, type ChunkScope, type NearestQuery } from './lib/search/chunk-search.repository';
