import { z } from 'zod';
import { EMBEDDING_DEFAULT_ALIAS } from '@strata/model-gateway';
import { DATA_CLASSIFICATIONS, DISTANCE_METRICS } from '../vectors.contract';

/** Limits of a collection's settings (README "Collections"). */
export const COLLECTION_LIMITS = {
  nameMaxChars: 100,
  descriptionMaxChars: 2_000,
  dimensionsMax: 16_000,
  chunkMaxTokensMin: 16,
  chunkMaxTokensMax: 8_192,
  readerRolesMax: 50,
} as const;

export const CHUNKING_STRATEGIES = ['fixed', 'heading_aware'] as const;

const roleName = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, 'must be a role name such as viewer or claims-reviewer');

const chunkingSchema = z
  .strictObject({
    strategy: z.enum(CHUNKING_STRATEGIES).default('heading_aware'),
    maxTokens: z.number().int().min(COLLECTION_LIMITS.chunkMaxTokensMin).max(COLLECTION_LIMITS.chunkMaxTokensMax).default(400),
    overlapTokens: z.number().int().min(0).max(COLLECTION_LIMITS.chunkMaxTokensMax).default(50),
  })
  .refine((chunking) => chunking.overlapTokens < chunking.maxTokens, { path: ['overlapTokens'], message: 'must be smaller than maxTokens' });

const name = z
  .string()
  .trim()
  .min(1)
  .max(COLLECTION_LIMITS.nameMaxChars)
  // Search names a collection by id or name: a name that looks like an id would be ambiguous.
  .refine((value) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value), 'must not look like an id');

export const createCollectionSchema = z.strictObject({
  name,
  description: z.string().max(COLLECTION_LIMITS.descriptionMaxChars).default(''),
  embeddingAlias: z.string().trim().min(1).max(200).default(EMBEDDING_DEFAULT_ALIAS),
  dimensions: z.number().int().min(1).max(COLLECTION_LIMITS.dimensionsMax),
  metric: z.enum(DISTANCE_METRICS).default('cosine'),
  chunking: chunkingSchema.default({ strategy: 'heading_aware', maxTokens: 400, overlapTokens: 50 }),
  textSearchConfig: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a text search configuration name such as simple or english').default('simple'),
  classification: z.enum(DATA_CLASSIFICATIONS).default('internal'),
  readerRoles: z.array(roleName).max(COLLECTION_LIMITS.readerRolesMax).default([]),
});
export type CreateCollectionInput = z.output<typeof createCollectionSchema>;

/** `expectedVersion` is the version the client read (optimistic concurrency). */
export const updateCollectionSchema = z.strictObject({
  expectedVersion: z.number().int().min(1),
  name: name.optional(),
  description: z.string().max(COLLECTION_LIMITS.descriptionMaxChars).optional(),
  embeddingAlias: z.string().trim().min(1).max(200).optional(),
  dimensions: z.number().int().min(1).max(COLLECTION_LIMITS.dimensionsMax).optional(),
  metric: z.enum(DISTANCE_METRICS).optional(),
  chunking: chunkingSchema.optional(),
  textSearchConfig: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/).optional(),
  classification: z.enum(DATA_CLASSIFICATIONS).optional(),
  readerRoles: z.array(roleName).max(COLLECTION_LIMITS.readerRolesMax).optional(),
});
export type UpdateCollectionInput = z.output<typeof updateCollectionSchema>;

export const collectionListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional(),
  name: z.string().trim().min(1).max(COLLECTION_LIMITS.nameMaxChars).optional(),
});
