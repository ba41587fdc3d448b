import { z } from 'zod';
import { MAX_VECTOR_DIMENSIONS } from './distance-metric-sql';
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
    .refine((value) => value.trim().length > 0, { message: 'must not be empty' })
    .optional(),
  /** A precomputed query vector (the collection's size, checked by the service): instead of `query` in vector mode, with it in hybrid mode (the text list). */
  vector: z.array(z.number().finite()).min(1).max(MAX_VECTOR_DIMENSIONS).optional(),
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

/** Vector mode: `query` or `vector`, not both; text and hybrid: `query` (hybrid may add `vector` for its vector list). */
function checkQueryInputs(value: { mode: 'vector' | 'text' | 'hybrid'; query?: string; vector?: number[] }, ctx: z.RefinementCtx): void {
  if (value.mode === 'vector') {
    if (value.query === undefined && value.vector === undefined) ctx.addIssue({ code: 'custom', path: ['query'], message: 'vector mode needs query (text) or vector' });
    if (value.query !== undefined && value.vector !== undefined) ctx.addIssue({ code: 'custom', path: ['vector'], message: 'vector mode takes query or vector, not both' });
    return;
  }
  if (value.query === undefined) ctx.addIssue({ code: 'custom', path: ['query'], message: `${value.mode} mode needs query` });
  if (value.mode === 'text' && value.vector !== undefined) ctx.addIssue({ code: 'custom', path: ['vector'], message: 'text mode takes no vector' });
}

/** The body of `POST /vectors/collections/:id/search` (the collection comes from the path). */
export const searchBodySchema = z.object(searchFields).strict().superRefine(checkQueryInputs);
export type SearchBody = z.output<typeof searchBodySchema>;

/** A `SearchRequest` of the contract, as the service validates it for in-process callers too. */
export const searchRequestSchema = z
  .object({ collection: z.string().min(1).max(256), ...searchFields })
  .strict()
  .superRefine(checkQueryInputs);
export type ParsedSearchRequest = z.output<typeof searchRequestSchema>;
