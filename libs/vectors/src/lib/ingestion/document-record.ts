import type { DocumentRecord, DocumentStatus } from '../vectors.contract';
import type { DocumentRow } from './documents.repository';

export function toDocumentRecord(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    collectionId: row.collectionId,
    name: row.name,
    format: row.format,
    mediaId: row.mediaId,
    contentSha256: row.contentSha256,
    status: row.status as DocumentStatus,
    progress: { chunksTotal: row.chunksTotal, chunksEmbedded: row.chunksEmbedded },
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    metadata: (row.metadata ?? {}) as Record<string, unknown>,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The fields CASL conditions and decision records see. */
export function documentSubject(row: Pick<DocumentRow, 'id' | 'collectionId' | 'name' | 'format' | 'status' | 'createdById'>): Record<string, unknown> {
  return { id: row.id, collectionId: row.collectionId, name: row.name, format: row.format, status: row.status, createdById: row.createdById };
}
