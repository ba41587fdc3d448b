import { describe, expect, it } from 'vitest';
import { anyIngesting, formatOfName, isIngesting, progressLabel, progressPercent, statusBadgeClass } from './vectors-documents';

const progress = (chunksEmbedded: number, chunksTotal: number) => ({ chunksEmbedded, chunksTotal });

describe('document ingestion view', () => {
  it('polls while any document is queued, extracting or embedding', () => {
    expect(isIngesting({ status: 'queued' })).toBe(true);
    expect(isIngesting({ status: 'extracting' })).toBe(true);
    expect(isIngesting({ status: 'embedding' })).toBe(true);
    expect(isIngesting({ status: 'ready' })).toBe(false);
    expect(isIngesting({ status: 'failed' })).toBe(false);
    expect(anyIngesting([{ status: 'ready' }, { status: 'failed' }])).toBe(false);
    expect(anyIngesting([{ status: 'ready' }, { status: 'embedding' }])).toBe(true);
    expect(anyIngesting([])).toBe(false);
  });

  it('computes the progress bar from embedded over total chunks', () => {
    expect(progressPercent({ status: 'queued', progress: progress(0, 0) })).toBe(0);
    expect(progressPercent({ status: 'embedding', progress: progress(32, 128) })).toBe(25);
    expect(progressPercent({ status: 'embedding', progress: progress(200, 128) })).toBe(100);
    expect(progressPercent({ status: 'ready', progress: progress(0, 0) })).toBe(100);
    expect(progressPercent({ status: 'failed', progress: progress(1, 3) })).toBe(33);
  });

  it('says what the job is doing', () => {
    expect(progressLabel({ status: 'queued', progress: progress(0, 0) })).toContain('Waiting');
    expect(progressLabel({ status: 'embedding', progress: progress(64, 130) })).toBe('64 of 130 chunks embedded');
    expect(progressLabel({ status: 'ready', progress: progress(1, 1) })).toBe('1 chunk');
    expect(progressLabel({ status: 'ready', progress: progress(7, 7) })).toBe('7 chunks');
  });

  it('colours statuses and guesses a pasted text format from its name', () => {
    expect(statusBadgeClass('ready')).toContain('badge-ok');
    expect(statusBadgeClass('failed')).toContain('badge-fail');
    expect(statusBadgeClass('embedding')).toContain('badge-wait');
    expect(formatOfName('guide.MD')).toBe('markdown');
    expect(formatOfName('page.htm')).toBe('html');
    expect(formatOfName('notes.txt')).toBe('text');
    expect(formatOfName('report.pdf')).toBeUndefined();
    expect(formatOfName('no extension')).toBeUndefined();
  });
});
