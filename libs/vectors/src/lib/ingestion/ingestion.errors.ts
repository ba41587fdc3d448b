import type { DomainErrorOptions, ErrorKind } from '@strata/kernel';
import { VectorsError } from '../vectors.errors';

export class DocumentNotFoundError extends VectorsError {
  constructor(id: string) {
    super('vectors.document_not_found', 'not_found', `No document ${String(id).slice(0, 64)} in this tenant.`);
  }
}

/** The content could not be read as what its format says (corrupt PDF, binary "text", invalid UTF-8). */
export class ExtractionFailedError extends VectorsError {
  constructor(format: string, reason: string, options?: DomainErrorOptions) {
    super('vectors.extraction_failed', 'invalid_argument', `Could not extract text from this ${format} document: ${reason}`, { ...options, details: { format, reason } });
  }
}

/** Extraction worked but found no text to index (a scanned PDF without a text layer, an empty page). */
export class NoTextError extends VectorsError {
  constructor(format: string) {
    super('vectors.no_text', 'invalid_argument', `The ${format} document contains no text to index.`, { details: { format } });
  }
}

export class UnsupportedDocumentTypeError extends VectorsError {
  constructor(contentType: string, supported: readonly string[], hint?: string) {
    super(
      'vectors.unsupported_document_type',
      'unsupported_media_type',
      `Media of type ${contentType} cannot be ingested as a document; supported: ${supported.join(', ')}.${hint ? ` ${hint}` : ''}`,
      { details: { contentType, supported: [...supported] } },
    );
  }
}

export class DocumentTooLargeError extends VectorsError {
  constructor(what: string, limit: number, kind: ErrorKind = 'payload_too_large') {
    super('vectors.document_too_large', kind, `The document is too large: ${what} exceeds ${limit}.`, { details: { limit } });
  }
}

export class IngestionInProgressError extends VectorsError {
  constructor(id: string) {
    super('vectors.ingestion_in_progress', 'conflict', `Document ${id} is being ingested; wait until it is ready or failed, then re-ingest.`);
  }
}
