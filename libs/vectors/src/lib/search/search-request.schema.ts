import { z } from 'zod';
import { DEFAULT_RRF_K } from './reciprocal-rank-fusion';

/** Explicit bounds of a search (README "Search"). */
export const SEARCH_LIMITS = {
  topKMax: 100,
  topKDefault: 10,
  queryMaxChars: 2_000,
  documentIdsMax: 1_000,
  metadataKeysMax: 20,
  metadataKeyMaxChars: 128,
  metadataValuesPerKeyMax: 100,
  metadataStringMaxChars: 1_000,
  weightMax: 100,
  rrfKMax: 1_000,
  purposeMaxChars: 128,
  /** Statement timeout of the search transaction. */
  statementTimeoutMs: 10_000,
} as const;

const scalar = z.union([z.string().max(SEARCH_LIMITS.metadataStringMaxChars), z.number().finite(), z.boolean()]);

export const searchFilterSchema = z
  .object({
    documentIds: z.array(z.uuid()).min(1).max(SEARCH_LIMITS.documentIdsMax).optional(),
    /** key → value (equality) or key → [values] (in). */
    metadata: z
      .record(z.string().min(1).max(SEARCH_LIMITS.metadataKeyMaxChars), z.union([scalar, z.array(scalar).min(1).max(SEARCH_LIMITS.metadataValuesPerKeyMax)]))
      .refine((value) => Object.keys(value).length <= SEARCH_LIMITS.metadataKeysMax, { message: `at most ${SEARCH_LIMITS.metadataKeysMax} metadata keys` })
      .optional(),
  })
  .strict();

const searchFields = {
  query: z
    .string()
    .max(SEARCH_LIMITS.queryMaxChars)
    .refine((value) => value.trim().length > 0, { message: 'must not be empty' }),
  mode: z.enum(['vector', 'text', 'hybrid']).default('hybrid'),
  topK: z.number().int().min(1).max(SEARCH_LIMITS.topKMax).default(SEARCH_LIMITS.topKDefault),
  filter: searchFilterSchema.optional(),
  weights: z
    .object({ vector: z.number().min(0).max(SEARCH_LIMITS.weightMax), text: z.number().min(0).max(SEARCH_LIMITS.weightMax) })
    .strict()
    .refine((weights) => weights.vector + weights.text > 0, { message: 'at least one weight must be positive' })
    .optional(),
  rrfK: z.number().int().min(1).max(SEARCH_LIMITS.rrfKMax).default(DEFAULT_RRF_K),
  purpose: z.string().min(1).max(SEARCH_LIMITS.purposeMaxChars).optional(),
};

/** The body of `POST /vectors/collections/:id/search` (the collection comes from the path). */
export const searchBodySchema = z.object(searchFields).strict();
export type SearchBody = z.output<typeof searchBodySchema>;

/** A `SearchRequest` of the contract, as the service validates it for in-process callers too. */
export const searchRequestSchema = z.object({ collection: z.string().min(1).max(256), ...searchFields }).strict();
export type ParsedSearchRequest = z.output<typeof searchRequestSchema>;
