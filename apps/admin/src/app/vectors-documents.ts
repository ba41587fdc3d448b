/** How the collection page shows documents and their ingestion (pure: unit-tested). */
import type { DocumentStatus, TextFormat, VectorDocument } from '../api/vectors';

/** Statuses of a document whose ingestion job is still running: the page polls while any is. */
export const ACTIVE_STATUSES: readonly DocumentStatus[] = ['queued', 'extracting', 'embedding'];

export function isIngesting(document: Pick<VectorDocument, 'status'>): boolean {
  return ACTIVE_STATUSES.includes(document.status);
}

export function anyIngesting(documents: readonly Pick<VectorDocument, 'status'>[]): boolean {
  return documents.some(isIngesting);
}

/** How often the page asks again while something is ingesting. */
export const INGESTION_POLL_MS = 1000;

/**
 * The progress bar's value (0–100). A ready document is full; a queued one, or one whose chunk
 * count is not known yet, is empty; otherwise embedded chunks over all chunks.
 */
export function progressPercent(document: Pick<VectorDocument, 'status' | 'progress'>): number {
  if (document.status === 'ready') return 100;
  const { chunksTotal, chunksEmbedded } = document.progress ?? { chunksTotal: 0, chunksEmbedded: 0 };
  if (!chunksTotal || chunksTotal <= 0) return 0;
  return Math.max(0, Math.min(100, Math.round((chunksEmbedded / chunksTotal) * 100)));
}

export function progressLabel(document: Pick<VectorDocument, 'status' | 'progress'>): string {
  const { chunksTotal, chunksEmbedded } = document.progress ?? { chunksTotal: 0, chunksEmbedded: 0 };
  switch (document.status) {
    case 'queued':
      return 'Waiting for the ingestion worker';
    case 'extracting':
      return 'Extracting text';
    case 'embedding':
      return chunksTotal ? `${chunksEmbedded} of ${chunksTotal} chunks embedded` : 'Embedding';
    case 'ready':
      return `${chunksTotal} chunk${chunksTotal === 1 ? '' : 's'}`;
    case 'failed':
      return 'Failed';
    default:
      return String(document.status);
  }
}

/** The badge class of a status (the shared badge styles). */
export function statusBadgeClass(status: DocumentStatus): string {
  if (status === 'ready') return 'badge badge-ok';
  if (status === 'failed') return 'badge badge-fail';
  return 'badge badge-wait';
}

/** The text format a pasted text is ingested as, guessed from its name's extension. */
export function formatOfName(name: string): TextFormat | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(name.trim())?.[1]?.toLowerCase();
  if (extension === 'md' || extension === 'markdown') return 'markdown';
  if (extension === 'html' || extension === 'htm') return 'html';
  if (extension === 'txt' || extension === 'text') return 'text';
  return undefined;
}

/** Files the ingestion understands (the API sniffs the bytes and has the last word). */
export const INGESTIBLE_ACCEPT = '.txt,.md,.markdown,.html,.htm,.pdf,text/plain,text/markdown,text/html,application/pdf';
