import { z } from 'zod';
import { DOCUMENT_STATUSES } from '../vectors.contract';
import { INGESTION_LIMITS } from './ingestion-limits';

/** Flat JSON metadata copied onto every chunk, for search filters. */
export const documentMetadataSchema = z
  .record(z.string().min(1).max(64), z.union([z.string().max(1_000), z.number(), z.boolean(), z.null(), z.array(z.union([z.string().max(1_000), z.number(), z.boolean()])).max(100)]))
  .refine((value) => Object.keys(value).length <= INGESTION_LIMITS.metadataMaxKeys, `at most ${INGESTION_LIMITS.metadataMaxKeys} keys`)
  .refine((value) => Buffer.byteLength(JSON.stringify(value)) <= INGESTION_LIMITS.metadataMaxBytes, `at most ${INGESTION_LIMITS.metadataMaxBytes} bytes as JSON`);

/** A document's name (in-process callers are checked with it too). */
export const documentNameSchema = z.string().trim().min(1).max(INGESTION_LIMITS.nameMaxChars);
const name = documentNameSchema;

/** `POST /vectors/collections/:id/documents`: a media object, or inline text. */
export const createDocumentSchema = z.union([
  z.strictObject({ mediaId: z.uuid(), name: name.optional(), metadata: documentMetadataSchema.optional() }),
  z.strictObject({
    name,
    format: z.enum(['text', 'markdown', 'html']),
    text: z.string().max(INGESTION_LIMITS.textMaxChars).refine((value) => value.trim().length > 0, 'must not be empty'),
    metadata: documentMetadataSchema.optional(),
  }),
]);
export type CreateDocumentInput = z.output<typeof createDocumentSchema>;

export const documentListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional(),
  status: z.enum(DOCUMENT_STATUSES).optional(),
});
