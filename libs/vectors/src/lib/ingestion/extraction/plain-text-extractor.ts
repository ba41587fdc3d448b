import type { ExtractedDocument } from './extracted-document';

/** Plain text: one section, no headings; spans are offsets into the text with `\r\n` turned into `\n`. */
export function extractPlainText(source: string): ExtractedDocument {
  const text = source.replace(/\r\n?/g, '\n');
  return { text, sections: text.trim() ? [{ headingPath: [], start: 0, end: text.length }] : [] };
}
