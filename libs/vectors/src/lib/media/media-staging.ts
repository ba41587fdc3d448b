import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { newId } from '@strata/kernel';
import { MEDIA_LIMITS } from './media-options';
import { EmptyMediaError, MediaTooLargeError } from './media.errors';

/** An upload written to a temporary file, with what was learnt while streaming it. */
export interface StagedMedia {
  path: string;
  sha256: string;
  sizeBytes: number;
  /** The first bytes, to sniff the type. */
  head: Buffer;
  /** Removes the temporary file (idempotent). */
  discard(): Promise<void>;
}

/**
 * Streams an upload to a temporary file under `<dir>/.staging`, hashing (SHA-256), counting and
 * keeping the first bytes on the way, so the file is never held in memory and its content address
 * is known before it is stored. Past `maxBytes` nothing more is written but the input is read to
 * its end (a multipart request must be consumed before it can be answered), then the file is
 * removed and 413 thrown; an empty file is refused with 400.
 */
export async function stageMedia(content: Readable, options: { dir: string; maxBytes: number }): Promise<StagedMedia> {
  const stagingDir = path.join(options.dir, '.staging');
  await mkdir(stagingDir, { recursive: true });
  const file = path.join(stagingDir, newId());
  const discard = () => rm(file, { force: true });
  const meter = new MeteringStream(options.maxBytes);
  try {
    await pipeline(content, meter, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  } catch (error) {
    await discard();
    throw error;
  }
  if (meter.overflow) {
    await discard();
    throw new MediaTooLargeError(options.maxBytes);
  }
  if (meter.size === 0) {
    await discard();
    throw new EmptyMediaError();
  }
  return { path: file, sha256: meter.hash.digest('hex'), sizeBytes: meter.size, head: meter.headBytes(), discard };
}

class MeteringStream extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  overflow = false;
  private readonly head: Buffer[] = [];
  private headSize = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.overflow || this.size > this.maxBytes) {
      this.overflow = true;
      return done();
    }
    this.hash.update(chunk);
    if (this.headSize < MEDIA_LIMITS.sniffBytes) {
      const kept = chunk.subarray(0, MEDIA_LIMITS.sniffBytes - this.headSize);
      this.head.push(Buffer.from(kept));
      this.headSize += kept.length;
    }
    done(null, chunk);
  }

  headBytes(): Buffer {
    return Buffer.concat(this.head);
  }
}

/**
 * Removes staged files left by a process that stopped mid-upload (a crash, a kill): anything in
 * the staging area older than `olderThanMs`, since uploads in progress keep writing to theirs.
 */
export async function sweepStaging(dir: string, olderThanMs: number, now = Date.now()): Promise<number> {
  const stagingDir = path.join(dir, '.staging');
  const names = await readdir(stagingDir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const file = path.join(stagingDir, name);
    const info = await stat(file).catch(() => null);
    if (info && now - info.mtimeMs > olderThanMs) {
      await rm(file, { force: true });
      removed++;
    }
  }
  return removed;
}
