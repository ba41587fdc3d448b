import { z } from 'zod';
import { AUDIT_OUTCOMES } from './audit-event';

export const AUDIT_PAGE_MAX = 500;
export const AUDIT_PAGE_DEFAULT = 50;

const text = (max: number) => z.string().min(1).max(max);
const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const seq = z.string().regex(/^[0-9]{1,19}$/, 'must be a seq (decimal digits)').transform((value) => BigInt(value));

/** Filters shared by the list and the export (query-string values). */
export const auditFilterSchema = z.strictObject({
  /** occurredAt ≥ from (ISO 8601). */
  from: instant.optional(),
  /** occurredAt < to. */
  to: instant.optional(),
  actorType: z.enum(['user', 'service_account', 'agent', 'system']).optional(),
  actorId: text(256).optional(),
  onBehalfOfId: text(256).optional(),
  /** Exact action, `api_key.create`. */
  action: text(128).optional(),
  /** Actions starting with this, `api_key.` or `api_key`. */
  actionPrefix: z
    .string()
    .regex(/^[a-z0-9_.]{1,128}$/, 'lowercase letters, digits, _ and . only')
    .optional(),
  targetType: text(64).optional(),
  targetId: text(256).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  purpose: text(128).optional(),
  approvalId: text(128).optional(),
  requestId: text(128).optional(),
});
export type AuditFilter = z.output<typeof auditFilterSchema>;

export const auditListSchema = auditFilterSchema.extend({
  /** The `nextCursor` of the previous page. */
  cursor: seq.optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(AUDIT_PAGE_DEFAULT),
  /** desc: newest first (default); asc: chain order. */
  order: z.enum(['asc', 'desc']).default('desc'),
});
export type AuditListQuery = z.output<typeof auditListSchema>;

export const auditExportSchema = auditFilterSchema.extend({
  format: z.enum(['ndjson', 'csv']).default('ndjson'),
});
export type AuditExportQuery = z.output<typeof auditExportSchema>;

export const auditCheckpointListSchema = z.strictObject({
  cursor: seq.optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(AUDIT_PAGE_DEFAULT),
});
export type AuditCheckpointListQuery = z.output<typeof auditCheckpointListSchema>;

export const auditEntryIdSchema = z.uuid();
