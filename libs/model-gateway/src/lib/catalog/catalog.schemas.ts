import { z } from 'zod';
import { providerCredentialsSchema } from '../credentials/provider-credentials';

/** Limits of the catalog (per tenant, per alias). */
export const CATALOG_LIMITS = {
  providersPerTenant: 100,
  modelsPerTenant: 1000,
  aliasesPerTenant: 500,
  targetsPerAlias: 20,
  taskClassesPerAlias: 50,
  headersPerProvider: 20,
} as const;

export const PROVIDER_KINDS = ['openai', 'anthropic', 'bedrock', 'gemini', 'openai-compatible'] as const;
export const OPERATIONS = ['chat', 'embeddings'] as const;
export const ROUTING_STRATEGIES = ['priority', 'weighted', 'lowest-cost', 'lowest-latency'] as const;
export type Operation = (typeof OPERATIONS)[number];
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

/** Headers that carry credentials: they belong in the encrypted credential, never in options. */
const SECRET_HEADERS = /^(authorization|proxy-authorization|x-api-key|api-key|x-goog-api-key|cookie|x-amz-security-token)$/i;

export const providerNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a lower-case slug such as openai or azure-eu (letters, digits, -; up to 40)')
  .refine((name) => name !== 'local', 'local is the built-in embedding provider');

const providerOptionsSchema = z
  .object({
    region: z.string().regex(/^[a-z0-9-]{2,32}$/, 'must be a region such as eu-central-1').optional(),
    apiVersion: z.string().min(1).max(64).optional(),
    organization: z.string().min(1).max(128).optional(),
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name'), z.string().max(1024))
      .refine((headers) => Object.keys(headers).length <= CATALOG_LIMITS.headersPerProvider, `at most ${CATALOG_LIMITS.headersPerProvider} headers`)
      .refine((headers) => !Object.keys(headers).some((name) => SECRET_HEADERS.test(name)), 'credential headers go in credentials, which are encrypted')
      .optional(),
  })
  .strict();

const baseUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2048);
const timeoutSchema = z.number().int().min(100).max(600_000);

export const createProviderSchema = z
  .object({
    name: providerNameSchema,
    kind: z.enum(PROVIDER_KINDS),
    baseUrl: baseUrlSchema.optional(),
    options: providerOptionsSchema.default({}),
    enabled: z.boolean().default(true),
    timeoutMs: timeoutSchema.optional(),
    credentials: providerCredentialsSchema.optional(),
  })
  .strict();

export const updateProviderSchema = z
  .object({
    baseUrl: baseUrlSchema.nullable().optional(),
    options: providerOptionsSchema.optional(),
    enabled: z.boolean().optional(),
    timeoutMs: timeoutSchema.nullable().optional(),
  })
  .strict();

export const replaceCredentialsSchema = providerCredentialsSchema;

const price = z
  .union([z.number().min(0).max(1_000_000), z.string().regex(/^\d{1,7}(\.\d{1,6})?$/, 'must be a decimal such as 0.15')])
  .transform((value) => String(value));

const capabilitiesSchema = z
  .object({
    tools: z.boolean().optional(),
    vision: z.boolean().optional(),
    structuredOutput: z.boolean().optional(),
    streaming: z.boolean().optional(),
  })
  .strict();

export const providerModelIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$/, 'must be the provider\'s model id such as gpt-4.1-mini (letters, digits, . _ : / @ + -)');

export const createCatalogModelSchema = z
  .object({
    providerId: z.uuid(),
    providerModelId: providerModelIdSchema,
    operation: z.enum(OPERATIONS),
    capabilities: capabilitiesSchema.default({}),
    contextWindow: z.number().int().min(1).max(100_000_000).nullable().optional(),
    maxOutputTokens: z.number().int().min(1).max(10_000_000).nullable().optional(),
    dimensions: z.number().int().min(1).max(65_536).nullable().optional(),
    inputPricePerMTok: price.default('0'),
    outputPricePerMTok: price.default('0'),
    enabled: z.boolean().default(true),
  })
  .strict();

export const updateCatalogModelSchema = z
  .object({
    capabilities: capabilitiesSchema.optional(),
    contextWindow: z.number().int().min(1).max(100_000_000).nullable().optional(),
    maxOutputTokens: z.number().int().min(1).max(10_000_000).nullable().optional(),
    dimensions: z.number().int().min(1).max(65_536).nullable().optional(),
    inputPricePerMTok: price.optional(),
    outputPricePerMTok: price.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

/** Alias names never contain `/`, so a name is an alias or a catalog model (`provider/model`), never both. */
export const aliasNameSchema = z.string().regex(/^[a-z][a-z0-9._-]{0,63}$/, 'must be a lower-case name such as fast or embedding-default');
const taskClassSchema = z.string().regex(/^[a-z][a-z0-9._-]{0,63}$/, 'must be a lower-case name such as summarize');

const aliasTargetSchema = z
  .object({
    model: z.string().min(3).max(256),
    weight: z.number().int().min(1).max(1000).default(1),
  })
  .strict();

const targetsSchema = z
  .array(aliasTargetSchema)
  .min(1)
  .max(CATALOG_LIMITS.targetsPerAlias)
  .refine((targets) => new Set(targets.map((target) => target.model)).size === targets.length, 'a model appears twice');

export const createAliasSchema = z
  .object({
    name: aliasNameSchema,
    description: z.string().max(500).default(''),
    operation: z.enum(OPERATIONS),
    taskClasses: z.array(taskClassSchema).max(CATALOG_LIMITS.taskClassesPerAlias).default([]),
    strategy: z.enum(ROUTING_STRATEGIES).default('priority'),
    targets: targetsSchema,
    zeroDataRetention: z.boolean().default(false),
  })
  .strict();

export const updateAliasSchema = z
  .object({
    description: z.string().max(500).optional(),
    taskClasses: z.array(taskClassSchema).max(CATALOG_LIMITS.taskClassesPerAlias).optional(),
    strategy: z.enum(ROUTING_STRATEGIES).optional(),
    targets: targetsSchema.optional(),
    zeroDataRetention: z.boolean().optional(),
  })
  .strict();

export type CreateProviderInput = z.output<typeof createProviderSchema>;
export type UpdateProviderInput = z.output<typeof updateProviderSchema>;
export type CreateCatalogModelInput = z.output<typeof createCatalogModelSchema>;
export type UpdateCatalogModelInput = z.output<typeof updateCatalogModelSchema>;
export type CreateAliasInput = z.output<typeof createAliasSchema>;
export type UpdateAliasInput = z.output<typeof updateAliasSchema>;
export type AliasTarget = z.output<typeof aliasTargetSchema>;
