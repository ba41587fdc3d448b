import { z } from 'zod';

export const DATA_ACCESS_PAGE_MAX = 500;
export const DATA_ACCESS_PAGE_DEFAULT = 50;

const text = (max: number) => z.string().min(1).max(max);
const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/** GET /observability/data-access (query-string values). */
export const dataAccessListSchema = z
  .strictObject({
    /** occurredAt ≥ from (ISO 8601). */
    from: instant.optional(),
    /** occurredAt < to. */
    to: instant.optional(),
    actorType: z.enum(['user', 'service_account', 'agent', 'system']).optional(),
    actorId: text(256).optional(),
    onBehalfOfId: text(256).optional(),
    resourceType: text(128).optional(),
    /** Records that name this resource among their ids. */
    resourceId: text(256).optional(),
    purpose: text(128).optional(),
    traceId: text(64).optional(),
    requestId: text(128).optional(),
    /** The `nextCursor` of the previous page. */
    cursor: z.string().min(1).max(256).optional(),
    limit: z.coerce.number().int().min(1).max(DATA_ACCESS_PAGE_MAX).default(DATA_ACCESS_PAGE_DEFAULT),
  })
  .refine((query) => !query.from || !query.to || query.from < query.to, { message: 'from must be before to', path: ['from'] });
export type DataAccessListQuery = z.output<typeof dataAccessListSchema>;
