import type { Readable } from 'node:stream';

/**
 * Where media bytes live, addressed by content: `<tenantId>/<sha256>`. Writing a key that exists
 * leaves it as it is (same key, same bytes). Implemented on local disk and on S3; MediaService
 * decides when a blob may be removed (no record refers to it).
 */
export interface BlobStore {
  readonly kind: 'local' | 's3';
  /** Stores the staged file's bytes under `key`; resolves once they are durable. */
  put(key: string, stagedFile: string, contentType: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** The bytes as a stream; `null` when the key holds nothing. */
  open(key: string): Promise<Readable | null>;
  /** Removes the blob; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
}

export const BLOB_STORE = Symbol('BLOB_STORE');

export function blobKey(tenantId: string, sha256: string): string {
  return `${tenantId}/${sha256}`;
}
