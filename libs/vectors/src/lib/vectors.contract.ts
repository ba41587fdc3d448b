import type { Readable } from 'node:stream';

/**
 * The contracts between the vectors layer's parts, and what the layers above (context: the
 * vector-search tool, retrieval in context assembly) call. Tenant, actor and purpose come from the
 * RequestContextStore, as everywhere.
 */

export const DATA_CLASSIFICATIONS = ['public', 'internal', 'confidential', 'restricted'] as const;
export type DataClassification = (typeof DATA_CLASSIFICATIONS)[number];

// ---- Media store (media/) ----

export interface MediaRecord {
  id: string;
  sha256: string;
  sizeBytes: number;
  /** Sniffed from the bytes (file-type), never only the client's word. */
  contentType: string;
  filename: string;
  classification: DataClassification;
  /** The image's caption once a vision model described it. */
  caption: string | null;
  createdBy: string;
  createdAt: Date;
}

export interface PutMediaInput {
  filename: string;
  /** What the client declared; a mismatch with the sniffed type is refused (415). */
  declaredContentType?: string;
  classification?: DataClassification;
  content: Readable;
}

/** Implemented by media/MediaService. */
export interface MediaStoreApi {
  put(input: PutMediaInput): Promise<MediaRecord & { deduplicated: boolean }>;
  get(id: string): Promise<MediaRecord>;
  /** The bytes, streamed from disk or S3. */
  openContent(id: string): Promise<{ record: MediaRecord; content: Readable }>;
}

// ---- Collections and ingestion (collections/, ingestion/) ----

export const DISTANCE_METRICS = ['cosine', 'l2', 'inner_product'] as const;
export type DistanceMetric = (typeof DISTANCE_METRICS)[number];

export interface CollectionRecord {
  id: string;
  name: string;
  description: string;
  embeddingAlias: string;
  dimensions: number;
  metric: DistanceMetric;
  chunking: { strategy: 'fixed' | 'heading_aware'; maxTokens: number; overlapTokens: number };
  /** PostgreSQL text search configuration of the chunks' `search_vector` (default `simple`); search uses the same. */
  textSearchConfig: string;
  classification: DataClassification;
  /** Roles that may search and read it beyond owner/admin (empty: every role with Collection read). */
  readerRoles: string[];
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export const DOCUMENT_STATUSES = ['queued', 'extracting', 'embedding', 'ready', 'failed'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export interface DocumentRecord {
  id: string;
  collectionId: string;
  name: string;
  /** text | markdown | html | pdf | image_caption */
  format: string;
  mediaId: string | null;
  contentSha256: string;
  status: DocumentStatus;
  progress: { chunksTotal: number; chunksEmbedded: number };
  error: { code: string; message: string } | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export interface IngestTextInput {
  collectionId: string;
  name: string;
  format: 'text' | 'markdown' | 'html' | 'image_caption';
  text: string;
  mediaId?: string;
  metadata?: Record<string, unknown>;
}

/** Implemented by ingestion/DocumentsService. Ingestion itself runs as a background job. */
export interface DocumentIngestionApi {
  /** Queues a media object (text, Markdown, HTML or PDF) for ingestion; unchanged content → the existing document. */
  ingestMedia(input: { collectionId: string; mediaId: string; name?: string; metadata?: Record<string, unknown> }): Promise<DocumentRecord & { unchanged: boolean }>;
  ingestText(input: IngestTextInput): Promise<DocumentRecord & { unchanged: boolean }>;
  get(id: string): Promise<DocumentRecord>;
}

// ---- Search (search/) ----

export type SearchMode = 'vector' | 'text' | 'hybrid';

/** Metadata filters: equality / `in` on document metadata keys, and document ids. */
export interface SearchFilter {
  documentIds?: string[];
  metadata?: Record<string, string | number | boolean | Array<string | number | boolean>>;
}

export interface SearchRequest {
  /** Collection id or name. */
  collection: string;
  /** The query text: required for text and hybrid; in vector mode, this or `vector`. */
  query?: string;
  /** A precomputed query vector of the collection's size (vector mode instead of `query`; hybrid: for the vector list). */
  vector?: number[];
  mode: SearchMode;
  topK: number;
  filter?: SearchFilter;
  /** Hybrid: reciprocal rank fusion weights (default 1 and 1) and k (default 60). */
  weights?: { vector: number; text: number };
  rrfK?: number;
  /** Logged in the data-access log; default: the request context's purpose. */
  purpose?: string;
}

export interface SearchHit {
  chunkId: string;
  documentId: string;
  documentName: string;
  /** The chunk's position in its document (0-based) and its character span. */
  position: number;
  span: { start: number; end: number };
  heading: string | null;
  text: string;
  score: number;
  /** Per method: similarity (1 - distance for cosine), ts_rank, and ranks in each list. */
  scores: { vector?: number; text?: number; vectorRank?: number; textRank?: number };
  metadata: Record<string, unknown>;
}

export interface SearchResponse {
  collectionId: string;
  mode: SearchMode;
  hits: SearchHit[];
  tookMs: number;
}

/** Implemented by search/VectorSearchService. */
export interface VectorSearchApi {
  search(request: SearchRequest): Promise<SearchResponse>;
}
