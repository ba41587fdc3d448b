import type { Provider } from '@nestjs/common';
import { BLOB_STORE, type BlobStore } from './blob-store';
import { LocalBlobStore } from './local-blob-store';
import { MEDIA_OPTIONS, mediaOptionsFromConfig, type MediaOptions } from './media-options';
import { S3BlobStore } from './s3-blob-store';
import { VECTORS_CONFIG, type VectorsConfig } from '../vectors-config';

/** S3 when a bucket is configured, else local disk under STRATA_DATA_DIR/media. */
export function createBlobStore(options: MediaOptions): BlobStore {
  return options.s3 ? new S3BlobStore(options.s3) : new LocalBlobStore(options.localDir);
}

export const MEDIA_STORAGE_PROVIDERS: Provider[] = [
  { provide: MEDIA_OPTIONS, useFactory: (config: VectorsConfig) => mediaOptionsFromConfig(config), inject: [VECTORS_CONFIG] },
  { provide: BLOB_STORE, useFactory: (options: MediaOptions) => createBlobStore(options), inject: [MEDIA_OPTIONS] },
];
