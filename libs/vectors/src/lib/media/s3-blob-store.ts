import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BlobStore } from './blob-store';
import { MediaStorageUnavailableError } from './media.errors';

export interface S3BlobStoreOptions {
  bucket: string;
  endpoint?: string;
  region?: string;
  forcePathStyle: boolean;
  prefix: string;
}

/** Parts of a multipart upload: at least 5 MiB (S3's minimum); four in flight bound the memory used. */
const PART_BYTES = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 4;

/**
 * Blobs as objects of an S3 bucket (AWS or S3-compatible): `<prefix><tenant>/<sha256>`. Files are
 * streamed up with lib-storage's Upload (one PUT, or a multipart upload above one part, aborted if
 * it fails); credentials come from the AWS default chain (environment, profile, container or
 * instance role).
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;

  constructor(private readonly options: S3BlobStoreOptions) {
    this.client = new S3Client({
      region: options.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? 'us-east-1',
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      // S3-compatible servers often reject the SDK's default streaming (aws-chunked) checksums;
      // send checksums only where the API requires them there. AWS itself keeps the default.
      ...(options.endpoint ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const } : {}),
    });
  }

  async put(key: string, stagedFile: string, contentType: string): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.options.bucket, Key: this.keyOf(key), Body: createReadStream(stagedFile), ContentType: contentType },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      throw new MediaStorageUnavailableError('upload to S3', error);
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw new MediaStorageUnavailableError('look up an object in S3', error);
    }
  }

  async open(key: string): Promise<Readable | null> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) }));
      return response.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw new MediaStorageUnavailableError('read an object from S3', error);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) }));
    } catch (error) {
      throw new MediaStorageUnavailableError('delete an object from S3', error);
    }
  }

  close(): void {
    this.client.destroy();
  }

  /** Nest calls this at shutdown (the store is a provider): keep-alive sockets must not hold the process. */
  onApplicationShutdown(): void {
    this.close();
  }

  private keyOf(key: string): string {
    return `${this.options.prefix}${key}`;
  }
}

function isNotFound(error: unknown): boolean {
  if (error instanceof S3ServiceException) return error.name !== 'NoSuchBucket' && (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404);
  return false;
}
