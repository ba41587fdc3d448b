import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { newId } from '@strata/kernel';
import type { BlobStore } from './blob-store';
import { MediaStorageUnavailableError } from './media.errors';

/** Blobs as files under one directory (STRATA_DATA_DIR/media by default): `<dir>/<tenant>/<sha256>`. */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'local' as const;

  constructor(private readonly dir: string) {}

  async put(key: string, stagedFile: string): Promise<void> {
    const target = this.pathOf(key);
    try {
      await mkdir(path.dirname(target), { recursive: true });
      // A hard link publishes the complete file atomically and keeps the staged copy for the caller.
      await link(stagedFile, target);
    } catch (error) {
      if (code(error) === 'EEXIST') return;
      if (code(error) !== 'EXDEV' && code(error) !== 'EPERM' && code(error) !== 'ENOTSUP') throw new MediaStorageUnavailableError('store a file', error);
      // No hard links here (another file system, some mounts): copy beside the target, then rename.
      const partial = `${target}.${newId()}.partial`;
      try {
        await copyFile(stagedFile, partial);
        await rename(partial, target);
      } catch (copyError) {
        await rm(partial, { force: true });
        throw new MediaStorageUnavailableError('store a file', copyError);
      }
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if (code(error) === 'ENOENT') return false;
      throw new MediaStorageUnavailableError('look up a file', error);
    }
  }

  async open(key: string): Promise<Readable | null> {
    const file = this.pathOf(key);
    if (!(await this.exists(key))) return null;
    return createReadStream(file);
  }

  async delete(key: string): Promise<void> {
    try {
      await rm(this.pathOf(key), { force: true });
    } catch (error) {
      throw new MediaStorageUnavailableError('delete a file', error);
    }
  }

  private pathOf(key: string): string {
    // Keys are `<uuid>/<hex>` built by blobKey; refuse anything that could leave the directory.
    if (!/^[0-9a-f-]{36}\/[0-9a-f]{64}$/.test(key)) throw new Error(`invalid blob key ${key}`);
    return path.join(this.dir, ...key.split('/'));
  }
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
