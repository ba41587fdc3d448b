import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmptyMediaError, MediaTooLargeError } from './media.errors';
import { stageMedia, sweepStaging } from './media-staging';

describe('stageMedia', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'media-staging-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const chunks = (count: number, size: number) => Readable.from(Array.from({ length: count }, (_, i) => Buffer.alloc(size, 97 + (i % 26))));

  it('hashes, counts and keeps the first bytes while writing the stream to a file', async () => {
    const staged = await stageMedia(chunks(40, 1000), { dir, maxBytes: 40_000 });
    expect(staged.sizeBytes).toBe(40_000);
    expect(staged.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(staged.head.length).toBe(8192);
    expect(staged.head.subarray(0, 3).toString()).toBe('aaa');
    expect(await readdir(path.join(dir, '.staging'))).toHaveLength(1);
    await staged.discard();
    await staged.discard();
    expect(await readdir(path.join(dir, '.staging'))).toEqual([]);
  });

  it('reads past the limit to the end but keeps nothing, then refuses with 413', async () => {
    const input = chunks(41, 1000);
    await expect(stageMedia(input, { dir, maxBytes: 40_000 })).rejects.toBeInstanceOf(MediaTooLargeError);
    expect(input.readableEnded).toBe(true);
    expect(await readdir(path.join(dir, '.staging'))).toEqual([]);
  });

  it('refuses an empty stream with 400 and keeps nothing', async () => {
    await expect(stageMedia(Readable.from([]), { dir, maxBytes: 10 })).rejects.toBeInstanceOf(EmptyMediaError);
    expect(await readdir(path.join(dir, '.staging'))).toEqual([]);
  });

  it('removes the file when the input fails mid-way', async () => {
    const failing = new Readable({ read: () => undefined });
    failing.push(Buffer.alloc(1000));
    setTimeout(() => failing.destroy(new Error('connection reset')), 20);
    await expect(stageMedia(failing, { dir, maxBytes: 10_000 })).rejects.toThrow('connection reset');
    expect(await readdir(path.join(dir, '.staging'))).toEqual([]);
  });

  it('sweeps staged files older than the given age only', async () => {
    const staged = await stageMedia(chunks(1, 10), { dir, maxBytes: 100 });
    const old = path.join(dir, '.staging', 'left-by-a-crash');
    await writeFile(old, 'partial');
    const hourAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(old, hourAgo, hourAgo);
    expect(await sweepStaging(dir, 3600_000)).toBe(1);
    expect(await readdir(path.join(dir, '.staging'))).toEqual([path.basename(staged.path)]);
  });
});
