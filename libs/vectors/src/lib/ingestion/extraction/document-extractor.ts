import { INGESTION_LIMITS } from '../ingestion-limits';
import { DocumentTooLargeError, ExtractionFailedError } from '../ingestion.errors';
import type { ExtractedDocument } from './extracted-document';
import { extractHtml } from './html-extractor';
import { extractMarkdown } from './markdown-extractor';
import { extractPdf } from './pdf-extractor';
import { extractPlainText } from './plain-text-extractor';

export const DOCUMENT_FORMATS = ['text', 'markdown', 'html', 'pdf', 'image_caption'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

/** Media types that can be ingested, and the format each is read as. */
export const FORMAT_BY_CONTENT_TYPE: Readonly<Record<string, DocumentFormat>> = {
  'text/plain': 'text',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
};

/** A document's content as the worker reads it: inline text, or the bytes of a media object. */
export type DocumentSource = { kind: 'text'; text: string } | { kind: 'bytes'; bytes: Uint8Array };

/** Turns a document's content into plain text with sections, by format. */
export async function extractDocument(format: DocumentFormat, source: DocumentSource): Promise<ExtractedDocument> {
  const raw = format === 'pdf' ? await extractPdf(bytesOf(source)) : extractTextFormat(format, textOf(format, source));
  // PostgreSQL text cannot hold NUL; PDFs sometimes yield it. Same length, so spans stay valid.
  const extracted = { ...raw, text: raw.text.replaceAll('\u0000', ' ') };
  if (extracted.text.length > INGESTION_LIMITS.extractedMaxChars) throw new DocumentTooLargeError('extracted text (characters)', INGESTION_LIMITS.extractedMaxChars, 'invalid_argument');
  return extracted;
}

function extractTextFormat(format: Exclude<DocumentFormat, 'pdf'>, text: string): ExtractedDocument {
  switch (format) {
    case 'markdown':
      return extractMarkdown(text);
    case 'html':
      return extractHtml(text);
    case 'text':
    case 'image_caption':
      return extractPlainText(text);
  }
}

function bytesOf(source: DocumentSource): Uint8Array {
  if (source.kind === 'bytes') return source.bytes;
  throw new ExtractionFailedError('pdf', 'a PDF must come from a media object, not inline text');
}

/** Text formats must be UTF-8 text: bytes that are not (a binary file labelled as text) fail. */
function textOf(format: DocumentFormat, source: DocumentSource): string {
  if (source.kind === 'text') return source.text;
  if (source.bytes.includes(0)) throw new ExtractionFailedError(format, 'the content is binary (it contains NUL bytes), not text');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(source.bytes);
  } catch (error) {
    throw new ExtractionFailedError(format, 'the content is not valid UTF-8 text', { cause: error });
  }
}
