import type { AuditEntryRow } from './audit-entries.repository';

/**
 * An entry as the API, the NDJSON export and the CSV export show it: the hashed fields of
 * docs/audit.md under the same names (seq as a decimal string), plus prevHash and hash, so an
 * auditor can check an export line by line without the database.
 */
export interface AuditEntryDto {
  tenantId: string;
  seq: string;
  id: string;
  occurredAt: string;
  actorType: string;
  actorId: string;
  onBehalfOfType: string | null;
  onBehalfOfId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  purpose: string | null;
  approvalId: string | null;
  outcome: string;
  reason: string | null;
  requestId: string | null;
  traceId: string | null;
  ip: string | null;
  details: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
}

/** Column order of the CSV export. */
export const AUDIT_ENTRY_COLUMNS: ReadonlyArray<keyof AuditEntryDto> = [
  'tenantId',
  'seq',
  'id',
  'occurredAt',
  'actorType',
  'actorId',
  'onBehalfOfType',
  'onBehalfOfId',
  'action',
  'targetType',
  'targetId',
  'purpose',
  'approvalId',
  'outcome',
  'reason',
  'requestId',
  'traceId',
  'ip',
  'details',
  'prevHash',
  'hash',
];

export function toAuditEntryDto(row: AuditEntryRow): AuditEntryDto {
  return {
    tenantId: row.tenantId,
    seq: row.seq.toString(),
    id: row.id,
    occurredAt: row.occurredAt.toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    onBehalfOfType: row.onBehalfOfType,
    onBehalfOfId: row.onBehalfOfId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    purpose: row.purpose,
    approvalId: row.approvalId,
    outcome: row.outcome,
    reason: row.reason,
    requestId: row.requestId,
    traceId: row.traceId,
    ip: row.ip,
    details: (row.details ?? null) as Record<string, unknown> | null,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
