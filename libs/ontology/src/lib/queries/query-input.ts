import { z } from 'zod';
import { filterSchema } from './object-filter';

/** Explicit bounds of every query (documented in the README). */
export const QUERY_LIMITS = {
  pageMax: 1000,
  pageDefault: 100,
  offsetMax: 10_000,
  sortMax: 3,
  hopsMax: 5,
  linkTypesPerHopMax: 20,
  startMax: 1000,
  traversalResultsDefault: 1000,
  traversalResultsMax: 10_000,
  aggregationGroupsMax: 1000,
  metricsMax: 10,
  searchResultsMax: 100,
  searchQueryMaxChars: 200,
  timeoutMsDefault: 5000,
  timeoutMsMax: 30_000,
} as const;

const typeApiName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a type api name');
const field = z.string().min(1).max(64);
const timeoutMs = z.number().int().min(10).max(QUERY_LIMITS.timeoutMsMax).default(QUERY_LIMITS.timeoutMsDefault);

export const objectQuerySchema = z
  .object({
    objectType: typeApiName,
    filter: filterSchema.optional(),
    /** Property names or `$createdAt`, `$updatedAt`, `$id`, `$primaryKey`, `$version`; ties broken by id. */
    sort: z
      .array(z.object({ property: field, direction: z.enum(['asc', 'desc']).default('asc') }).strict())
      .max(QUERY_LIMITS.sortMax)
      .default([]),
    limit: z.number().int().min(1).max(QUERY_LIMITS.pageMax).default(QUERY_LIMITS.pageDefault),
    /** Keyset paging when unsorted (the `nextCursor` of the previous page: an object id). */
    cursor: z.uuid().optional(),
    /** Offset paging for sorted queries. */
    offset: z.number().int().min(0).max(QUERY_LIMITS.offsetMax).optional(),
    timeoutMs,
  })
  .strict()
  .refine((q) => !(q.cursor && q.offset !== undefined), { message: 'use either cursor or offset', path: ['cursor'] })
  .refine((q) => !(q.cursor && q.sort.length > 0), { message: 'cursor paging is by id; with sort, page with offset', path: ['cursor'] });
export type ObjectQuery = z.output<typeof objectQuerySchema>;

export const hopSchema = z
  .object({
    linkTypes: z.array(typeApiName).min(1).max(QUERY_LIMITS.linkTypesPerHopMax),
    /** out: from → to; in: to → from; both. */
    direction: z.enum(['out', 'in', 'both']).default('out'),
    /** Keep only objects of this type at this hop (required with a filter when the link types reach several types). */
    objectType: typeApiName.optional(),
    filter: filterSchema.optional(),
  })
  .strict();
export type Hop = z.output<typeof hopSchema>;

export const traverseSchema = z
  .object({
    start: z.union([
      z.object({ objectIds: z.array(z.uuid()).min(1).max(QUERY_LIMITS.startMax) }).strict(),
      z.object({ objectType: typeApiName, filter: filterSchema.optional() }).strict(),
    ]),
    hops: z.array(hopSchema).min(1).max(QUERY_LIMITS.hopsMax),
    /** final: only the objects reached at the last hop; all: every object reached, with its depth. */
    return: z.enum(['final', 'all']).default('final'),
    includePaths: z.boolean().default(false),
    limit: z.number().int().min(1).max(QUERY_LIMITS.traversalResultsMax).default(QUERY_LIMITS.traversalResultsDefault),
    timeoutMs,
  })
  .strict();
export type TraverseRequest = z.output<typeof traverseSchema>;

export const aggregateSchema = z
  .object({
    objectType: typeApiName,
    filter: filterSchema.optional(),
    groupBy: field.optional(),
    metrics: z
      .array(
        z.union([
          z.object({ op: z.literal('count') }).strict(),
          z.object({ op: z.enum(['sum', 'avg', 'min', 'max']), property: field }).strict(),
        ]),
      )
      .min(1)
      .max(QUERY_LIMITS.metricsMax),
    limit: z.number().int().min(1).max(QUERY_LIMITS.aggregationGroupsMax).default(QUERY_LIMITS.aggregationGroupsMax),
    timeoutMs,
  })
  .strict();
export type AggregateRequest = z.output<typeof aggregateSchema>;

export const searchSchema = z
  .object({
    q: z.string().trim().min(1).max(QUERY_LIMITS.searchQueryMaxChars),
    type: typeApiName.optional(),
    limit: z.coerce.number().int().min(1).max(QUERY_LIMITS.searchResultsMax).default(20),
  })
  .strict();
export type SearchRequest = z.output<typeof searchSchema>;
