import { extractText, getDocumentProxy } from 'unpdf';
import { INGESTION_LIMITS } from '../ingestion-limits';
import { DocumentTooLargeError, ExtractionFailedError } from '../ingestion.errors';
import { ExtractedTextBuilder, type ExtractedDocument } from './extracted-document';

const PDF_MAGIC = '%PDF-';

/** Whether the bytes start like a PDF (the header may follow a little junk, as readers allow). */
export function looksLikePdf(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 1024)).toString('latin1').includes(PDF_MAGIC);
}

/**
 * PDF text through unpdf (PDF.js built for servers, no worker, no native code): one section per
 * page, no headings (PDFs carry no reliable heading structure). A file that is not a PDF or that
 * PDF.js cannot parse fails with `vectors.extraction_failed`.
 */
export async function extractPdf(bytes: Uint8Array): Promise<ExtractedDocument> {
  if (!looksLikePdf(bytes)) throw new ExtractionFailedError('pdf', 'the file does not start with a PDF header');
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>> | undefined;
  try {
    // A copy: PDF.js may transfer (detach) the buffer it is given.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, stopAtErrors: true });
    if (pdf.numPages > INGESTION_LIMITS.pdfPagesMax) throw new DocumentTooLargeError('page count', INGESTION_LIMITS.pdfPagesMax, 'invalid_argument');
    const { text } = await extractText(pdf, { mergePages: false });
    const builder = new ExtractedTextBuilder();
    for (const page of text) builder.section(page);
    return builder.build();
  } catch (error) {
    if (error instanceof DocumentTooLargeError) throw error;
    throw new ExtractionFailedError('pdf', error instanceof Error ? error.message : String(error), { cause: error });
  } finally {
    await pdf?.loadingTask.destroy().catch(() => undefined);
  }
}
