import path from 'node:path';
import type { VectorsConfig } from '../vectors-config';

/** Limits and storage of the media store, from the platform configuration. */
export interface MediaOptions {
  /** Largest upload (STRATA_MEDIA_MAX_BYTES). */
  maxBytes: number;
  /** Local blobs and the staging area of uploads in progress. */
  localDir: string;
  s3?: { bucket: string; endpoint?: string; region?: string; forcePathStyle: boolean; prefix: string };
}

export const MEDIA_OPTIONS = Symbol('MEDIA_OPTIONS');

/** Fixed limits of the upload form and of captioning. */
export const MEDIA_LIMITS = {
  /** Form fields besides the file (`classification`, `filename`). */
  fields: 5,
  fieldBytes: 1024,
  filenameLength: 255,
  /** Bytes kept from the start of a file to sniff its type (file-type reads at most 4100). */
  sniffBytes: 8192,
  /** Largest image sent to a vision model (providers take about 20 MB, inline as base64). */
  captionImageBytes: 20 * 1024 * 1024,
  captionMaxOutputTokens: 400,
} as const;

export function mediaOptionsFromConfig(config: VectorsConfig): MediaOptions {
  return {
    maxBytes: config.STRATA_MEDIA_MAX_BYTES,
    localDir: path.resolve(config.STRATA_DATA_DIR, 'media'),
    s3: config.STRATA_MEDIA_S3_BUCKET
      ? {
          bucket: config.STRATA_MEDIA_S3_BUCKET,
          endpoint: config.STRATA_MEDIA_S3_ENDPOINT,
          region: config.STRATA_MEDIA_S3_REGION,
          forcePathStyle: config.STRATA_MEDIA_S3_FORCE_PATH_STYLE,
          prefix: config.STRATA_MEDIA_S3_PREFIX,
        }
      : undefined,
  };
}
