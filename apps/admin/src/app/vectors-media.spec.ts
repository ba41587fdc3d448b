import { describe, expect, it } from 'vitest';
import { canPreview, classificationBadgeClass, contentTypeLabel, formatBytes, isImage, isIngestibleMedia, PREVIEW_MAX_BYTES } from './vectors-media';

describe('media view', () => {
  it('formats sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MiB');
    expect(formatBytes(150 * 1024 * 1024)).toBe('150 MiB');
    expect(formatBytes(3 * 1024 ** 4)).toBe('3 TiB');
    expect(formatBytes(-1)).toBe('—');
  });

  it('previews and describes only images a browser shows', () => {
    expect(isImage('image/png')).toBe(true);
    expect(isImage('IMAGE/JPEG; charset=binary')).toBe(true);
    expect(isImage('image/svg+xml')).toBe(false);
    expect(isImage('application/pdf')).toBe(false);
    expect(isIngestibleMedia('text/markdown; charset=utf-8')).toBe(true);
    expect(isIngestibleMedia('image/png')).toBe(false);
    expect(canPreview({ contentType: 'image/png', sizeBytes: 68 })).toBe(true);
    expect(canPreview({ contentType: 'image/png', sizeBytes: PREVIEW_MAX_BYTES + 1 })).toBe(false);
    expect(canPreview({ contentType: 'application/pdf', sizeBytes: 68 })).toBe(false);
  });

  it('labels types and classifications', () => {
    expect(contentTypeLabel('application/pdf')).toBe('PDF');
    expect(contentTypeLabel('text/markdown')).toBe('Markdown');
    expect(contentTypeLabel('application/zip')).toBe('application/zip');
    expect(classificationBadgeClass('public')).toContain('badge-ok');
    expect(classificationBadgeClass('restricted')).toContain('badge-fail');
  });
});
