/** Limits of document ingestion (README "Ingestion"). */
export const INGESTION_LIMITS = {
  /** Inline text of one document (characters); the HTTP body limit (STRATA_BODY_LIMIT) may be lower. */
  textMaxChars: 5_000_000,
  /** Bytes read from a media object for one document. */
  sourceMaxBytes: 100 * 1024 * 1024,
  /** Characters of text extracted from one document. */
  extractedMaxChars: 10_000_000,
  /** Chunks of one document. */
  chunksMax: 20_000,
  /** Pages of one PDF. */
  pdfPagesMax: 5_000,
  /** Document metadata: keys and serialized size. */
  metadataMaxKeys: 50,
  metadataMaxBytes: 8_192,
  nameMaxChars: 300,
} as const;
