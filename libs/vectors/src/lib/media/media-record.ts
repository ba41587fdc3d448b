import type { MediaObjectModel as MediaObject } from '@strata/db';
import type { DataClassification, MediaRecord } from '../vectors.contract';

/** The API's view of a media row (storage details stay inside). */
export function toMediaRecord(row: MediaObject): MediaRecord & { captionModel: string | null; captionedAt: Date | null } {
  return {
    id: row.id,
    sha256: row.sha256,
    sizeBytes: Number(row.sizeBytes),
    contentType: row.contentType,
    filename: row.filename,
    classification: row.classification as DataClassification,
    caption: row.caption,
    captionModel: row.captionModel,
    captionedAt: row.captionedAt,
    createdBy: `${row.createdByType}:${row.createdById}`,
    createdAt: row.createdAt,
  };
}
