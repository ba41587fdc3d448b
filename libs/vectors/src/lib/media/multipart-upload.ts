import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { MEDIA_LIMITS } from './media-options';
import type { StagedMedia } from './media-staging';
import { InvalidUploadError, MultipartRequiredError } from './media.errors';

export interface MultipartUpload {
  staged: StagedMedia;
  /** The file part's name and declared type. */
  filename: string;
  declaredContentType?: string;
  /** The other form fields (at most {@link MEDIA_LIMITS.fields}). */
  fields: Record<string, string>;
}

/**
 * Parses a multipart/form-data upload with busboy as it arrives: the one part named `file` is
 * handed to `stage` as a stream (never buffered), other parts are small text fields, in any
 * order. The request is always read to its end before this settles, so the answer (also a 413 or
 * 400) reaches a client that is still sending. On failure nothing staged is kept.
 */
export function readMultipartUpload(request: IncomingMessage, stage: (content: Readable) => Promise<StagedMedia>, maxBytes: number): Promise<MultipartUpload> {
  const contentType = request.headers['content-type'];
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return drain(request).then(() => Promise.reject(new MultipartRequiredError(contentType)));

  return new Promise<MultipartUpload>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        // Browsers send file names as raw UTF-8 (busboy's default would read them as Latin-1).
        defParamCharset: 'utf8',
        limits: { files: 1, fields: MEDIA_LIMITS.fields, fieldSize: MEDIA_LIMITS.fieldBytes, parts: MEDIA_LIMITS.fields + 1, fileSize: maxBytes + 1 },
      });
    } catch (error) {
      // A multipart content type without a usable boundary.
      void drain(request).then(() => reject(new InvalidUploadError(`Malformed multipart request: ${(error as Error).message}`)));
      return;
    }
    const fields: Record<string, string> = {};
    let file: { filename: string; declaredContentType?: string; staging: Promise<StagedMedia> } | undefined;
    let problem: Error | undefined;
    let fileStream: Readable | undefined;
    const fail = (error: Error) => {
      problem ??= error;
    };

    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || file) {
        fail(new InvalidUploadError(name === 'file' ? 'Send exactly one file.' : `Unexpected file part "${name.slice(0, 64)}"; the file goes in a part named "file".`, name.slice(0, 64)));
        stream.resume();
        return;
      }
      fileStream = stream;
      const staging = stage(stream);
      // Settled below; a rejection here is handled there, not left unhandled meanwhile.
      staging.catch(() => undefined);
      file = { filename: info.filename ?? '', declaredContentType: info.mimeType, staging };
    });
    parser.on('field', (name, value, info) => {
      if (info.nameTruncated || info.valueTruncated) fail(new InvalidUploadError(`Form field "${name.slice(0, 64)}" is longer than ${MEDIA_LIMITS.fieldBytes} bytes.`, name.slice(0, 64)));
      else fields[name] = value;
    });
    parser.on('filesLimit', () => fail(new InvalidUploadError('Send exactly one file.', 'file')));
    parser.on('fieldsLimit', () => fail(new InvalidUploadError(`At most ${MEDIA_LIMITS.fields} form fields.`)));
    parser.on('partsLimit', () => fail(new InvalidUploadError(`At most ${MEDIA_LIMITS.fields + 1} form parts.`)));

    let finished = false;
    const finish = async (parseError?: Error) => {
      if (finished) return;
      finished = true;
      const staged = file ? await file.staging.then((value) => value, (error: unknown) => fail(error as Error)) : undefined;
      const error = parseError ?? problem ?? (staged ? undefined : new InvalidUploadError('No file: put it in a multipart part named "file".', 'file'));
      if (error) {
        await staged?.discard();
        reject(error);
        return;
      }
      resolve({ staged: staged as StagedMedia, filename: (file as { filename: string }).filename, declaredContentType: file?.declaredContentType, fields });
    };
    parser.on('close', () => void finish());
    parser.on('error', (error: Error) => {
      request.unpipe(parser);
      void drain(request).then(() => finish(new InvalidUploadError(`Malformed multipart request: ${error.message}`)));
    });
    request.once('close', () => {
      if (request.readableEnded) return;
      // The client went away mid-upload: end the staging copy (which removes its file) and give up.
      const aborted = new InvalidUploadError('The upload was aborted by the client.');
      fileStream?.destroy(aborted);
      request.unpipe(parser);
      void finish(aborted);
    });
    request.pipe(parser);
  });
}

/** Reads and discards the rest of a request body. */
function drain(request: IncomingMessage): Promise<void> {
  if (request.readableEnded || request.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    request.on('end', resolve);
    request.on('close', resolve);
    request.resume();
  });
}
