/** How the media page shows stored files (pure: unit-tested). */

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/** A byte count as people read it: `512 B`, `1.5 KiB`, `12 MiB` (binary units, as the API's limits are). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes;
  let unit = 0;
  value /= 1024;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = value >= 100 ? Math.round(value).toString() : value.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${UNITS[unit]}`;
}

/** Image types a browser shows inline; only these get a preview and the "describe" action. */
const PREVIEWABLE = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

export function isImage(contentType: string): boolean {
  return PREVIEWABLE.includes(contentType.split(';')[0]?.trim().toLowerCase() ?? '');
}

/**
 * Images up to this size are previewed inline. The admin's Content-Security-Policy allows images
 * from 'self' and data: URLs only (no blob:), and the content endpoint needs the bearer header, so a
 * preview is the fetched bytes as a data: URL: bounded, to keep big images out of the page's memory.
 */
export const PREVIEW_MAX_BYTES = 4 * 1024 * 1024;

export function canPreview(media: { contentType: string; sizeBytes: number }): boolean {
  return isImage(media.contentType) && media.sizeBytes <= PREVIEW_MAX_BYTES;
}

/** Media a collection can ingest as a document (an image is ingested through its caption instead). */
export function isIngestibleMedia(contentType: string): boolean {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return ['text/plain', 'text/markdown', 'text/html', 'application/pdf'].includes(type);
}

/** A short label of a content type for the list: `PDF`, `Markdown`, `PNG image`. */
export function contentTypeLabel(contentType: string): string {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const known: Record<string, string> = {
    'text/plain': 'Text',
    'text/markdown': 'Markdown',
    'text/html': 'HTML',
    'application/pdf': 'PDF',
    'image/png': 'PNG image',
    'image/jpeg': 'JPEG image',
    'image/gif': 'GIF image',
    'image/webp': 'WebP image',
  };
  return known[type] ?? (type || 'unknown');
}

/** Classifications, most open first, with the badge each is shown with. */
export function classificationBadgeClass(classification: string): string {
  if (classification === 'public') return 'badge badge-ok';
  if (classification === 'internal') return 'badge badge-neutral';
  if (classification === 'confidential') return 'badge badge-wait';
  return 'badge badge-fail';
}
