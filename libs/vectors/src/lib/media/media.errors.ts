import { VectorsError } from '../vectors.errors';

export class MediaNotFoundError extends VectorsError {
  constructor(id: string) {
    super('vectors.media_not_found', 'not_found', `No media object with id ${id.slice(0, 64)} in this tenant.`);
  }
}

export class MediaTooLargeError extends VectorsError {
  constructor(maxBytes: number) {
    super('vectors.media_too_large', 'payload_too_large', `The file is larger than the limit of ${maxBytes} bytes (STRATA_MEDIA_MAX_BYTES); nothing was stored.`, {
      details: { maxBytes },
    });
  }
}

export class UnsupportedMediaTypeError extends VectorsError {
  constructor(message: string, details: { detected: string; declared?: string; allowed: readonly string[] }) {
    super('vectors.unsupported_media_type', 'unsupported_media_type', `${message} Allowed types: ${details.allowed.join(', ')}.`, { details: { ...details } });
  }
}

export class EmptyMediaError extends VectorsError {
  constructor() {
    super('vectors.media_empty', 'invalid_argument', 'The file is empty; send at least one byte.');
  }
}

/** The request was not the multipart upload the route expects (no file part, two files, unknown fields…). */
export class InvalidUploadError extends VectorsError {
  constructor(message: string, path?: string) {
    super('vectors.invalid_upload', 'invalid_argument', message, { details: path ? { issues: [{ path, code: 'invalid_value', message }] } : undefined });
  }
}

export class MultipartRequiredError extends VectorsError {
  constructor(received: string | undefined) {
    super(
      'vectors.multipart_required',
      'unsupported_media_type',
      `Upload media as multipart/form-data with the file in a part named "file" (received ${received ? JSON.stringify(received.slice(0, 100)) : 'no content type'}).`,
    );
  }
}

export class NotAnImageError extends VectorsError {
  constructor(id: string, contentType: string, allowed: readonly string[]) {
    super('vectors.not_an_image', 'unsupported_media_type', `Media ${id} is ${contentType}, not an image; only ${allowed.join(', ')} can be captioned.`, {
      details: { contentType, allowed },
    });
  }
}

export class ImageTooLargeForCaptionError extends VectorsError {
  constructor(sizeBytes: number, maxBytes: number) {
    super('vectors.image_too_large_for_caption', 'payload_too_large', `The image has ${sizeBytes} bytes; a vision model is sent at most ${maxBytes}.`, {
      details: { sizeBytes, maxBytes },
    });
  }
}

/** The blob store (disk or S3) failed: the operation can be retried later. */
export class MediaStorageUnavailableError extends VectorsError {
  constructor(operation: string, cause: unknown) {
    super('vectors.media_storage_unavailable', 'unavailable', `The media store failed to ${operation}; try again later.`, { cause });
  }
}

/** The record exists but its bytes are gone from the store (deleted outside the platform). */
export class MediaContentMissingError extends VectorsError {
  constructor(id: string) {
    super('vectors.media_content_missing', 'failed_precondition', `The bytes of media ${id} are missing from the media store.`);
  }
}
