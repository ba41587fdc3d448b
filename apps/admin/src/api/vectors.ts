import { api, queryString, type Download, type Page } from './api-client';

/**
 * The vectors layer's HTTP API (libs/vectors: media store, collections, ingestion, search), with
 * the shapes of libs/vectors/src/lib/vectors.contract.ts as JSON (dates as ISO strings).
 */

export const DATA_CLASSIFICATIONS = ['public', 'internal', 'confidential', 'restricted'] as const;
export type DataClassification = (typeof DATA_CLASSIFICATIONS)[number];

export const DISTANCE_METRICS = ['cosine', 'l2', 'inner_product'] as const;
export type DistanceMetric = (typeof DISTANCE_METRICS)[number];

export const CHUNKING_STRATEGIES = ['heading_aware', 'fixed'] as const;
export type ChunkingStrategy = (typeof CHUNKING_STRATEGIES)[number];

export interface Chunking {
  strategy: ChunkingStrategy;
  maxTokens: number;
  overlapTokens: number;
}

export interface Collection {
  id: string;
  name: string;
  description: string;
  embeddingAlias: string;
  dimensions: number;
  metric: DistanceMetric;
  chunking: Chunking;
  /** The PostgreSQL text search configuration of its full-text index (simple, english, …). */
  textSearchConfig?: string;
  classification: DataClassification;
  /** Roles that may search and read it beyond owner/admin (empty: every role with Collection read). */
  readerRoles: string[];
  createdAt: string;
  updatedAt: string;
  version: number;
  /** Counts, when the API adds them to a listing. */
  documentCount?: number;
}

export interface NewCollection {
  name: string;
  description?: string;
  embeddingAlias: string;
  dimensions: number;
  metric: DistanceMetric;
  chunking: Chunking;
  textSearchConfig: string;
  classification: DataClassification;
  readerRoles: string[];
}

export type CollectionChanges = Partial<NewCollection> & { expectedVersion: number };

export const DOCUMENT_STATUSES = ['queued', 'extracting', 'embedding', 'ready', 'failed'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export const TEXT_FORMATS = ['markdown', 'text', 'html'] as const;
export type TextFormat = (typeof TEXT_FORMATS)[number];

export interface VectorDocument {
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
  createdAt: string;
  updatedAt: string;
}

/** What an ingestion request answers: the queued document, or the existing one when the content is unchanged. */
export type IngestedDocument = VectorDocument & { unchanged?: boolean };

export interface MediaObject {
  id: string;
  sha256: string;
  sizeBytes: number;
  /** Sniffed from the bytes by the API. */
  contentType: string;
  filename: string;
  classification: DataClassification;
  caption: string | null;
  createdBy: string;
  createdAt: string;
}

export type UploadedMedia = MediaObject & { deduplicated?: boolean };

/** What describing an image answers: the media with its caption, the caption's document (when a collection was named) and the model that wrote it. */
export interface CaptionResult {
  media: MediaObject;
  document: IngestedDocument | null;
  route: { alias?: string; catalogModel: string; providerName: string };
}

/** The types the media store accepts (sniffed from the bytes). */
export const MEDIA_TYPES = ['text/plain', 'text/markdown', 'text/html', 'application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

export type SearchMode = 'vector' | 'text' | 'hybrid';
export const SEARCH_MODES: readonly SearchMode[] = ['vector', 'text', 'hybrid'];

export type MetadataFilter = Record<string, string | number | boolean | Array<string | number | boolean>>;

export interface SearchBody {
  query: string;
  mode: SearchMode;
  topK: number;
  filter?: { documentIds?: string[]; metadata?: MetadataFilter };
  weights?: { vector: number; text: number };
  rrfK?: number;
  purpose?: string;
}

export interface SearchHit {
  chunkId: string;
  documentId: string;
  documentName: string;
  position: number;
  span: { start: number; end: number };
  heading: string | null;
  text: string;
  score: number;
  scores: { vector?: number; text?: number; vectorRank?: number; textRank?: number };
  metadata: Record<string, unknown>;
}

export interface SearchResult {
  collectionId: string;
  mode: SearchMode;
  hits: SearchHit[];
  tookMs: number;
}

const enc = encodeURIComponent;

/** A list answer as a page: `{items, nextCursor}`, or a bare array (a whole list). */
export async function asPage<T>(answer: Promise<Page<T> | { items: T[]; nextCursor?: string | null } | T[]>): Promise<Page<T>> {
  const value = await answer;
  if (Array.isArray(value)) return { items: value, nextCursor: null };
  return { items: value.items, nextCursor: value.nextCursor ?? null };
}

export const collectionsApi = {
  list: (cursor?: string) => asPage(api.get<Page<Collection>>(`/vectors/collections${queryString({ cursor, limit: 50 })}`)),
  get: (id: string) => api.get<Collection>(`/vectors/collections/${enc(id)}`),
  create: (input: NewCollection) => api.post<Collection>('/vectors/collections', input),
  update: (id: string, changes: CollectionChanges) => api.patch<Collection>(`/vectors/collections/${enc(id)}`, changes),
  remove: (id: string) => api.delete(`/vectors/collections/${enc(id)}`),
};

export const documentsApi = {
  list: (collectionId: string, cursor?: string) =>
    asPage(api.get<Page<VectorDocument>>(`/vectors/collections/${enc(collectionId)}/documents${queryString({ cursor, limit: 100 })}`)),
  get: (id: string) => api.get<VectorDocument>(`/vectors/documents/${enc(id)}`),
  ingestMedia: (collectionId: string, input: { mediaId: string; name?: string; metadata?: Record<string, unknown> }) =>
    api.post<IngestedDocument>(`/vectors/collections/${enc(collectionId)}/documents`, input),
  ingestText: (collectionId: string, input: { name: string; format: TextFormat; text: string; metadata?: Record<string, unknown> }) =>
    api.post<IngestedDocument>(`/vectors/collections/${enc(collectionId)}/documents`, input),
  reingest: (id: string) => api.post<IngestedDocument>(`/vectors/documents/${enc(id)}/reingest`, {}),
  remove: (id: string) => api.delete(`/vectors/documents/${enc(id)}`),
};

export interface MediaQuery {
  filename?: string;
  classification?: string;
  contentType?: string;
  cursor?: string;
}

export const mediaApi = {
  list: (query: MediaQuery = {}) => asPage(api.get<Page<MediaObject>>(`/vectors/media${queryString({ ...query, limit: 50 })}`)),
  get: (id: string) => api.get<MediaObject>(`/vectors/media/${enc(id)}`),
  upload: (file: File, classification?: DataClassification) => {
    const form = new FormData();
    // The classification first: a streaming parser reads fields in order and may decide before the file.
    if (classification) form.append('classification', classification);
    form.append('file', file, file.name);
    return api.postForm<UploadedMedia>('/vectors/media', form);
  },
  content: (id: string): Promise<Download> => api.download(`/vectors/media/${enc(id)}/content`),
  caption: (id: string, input: { model?: string; collectionId?: string }) => api.post<CaptionResult>(`/vectors/media/${enc(id)}/caption`, input),
  remove: (id: string) => api.delete(`/vectors/media/${enc(id)}`),
};

export const searchApi = {
  search: (collectionId: string, body: SearchBody) => api.post<SearchResult>(`/vectors/collections/${enc(collectionId)}/search`, body),
};
