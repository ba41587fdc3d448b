import { auditEntryContent, type AuditEntryContent } from './audit-chain';
import type { AuditEntryRow } from './audit-entries.repository';

/**
 * An entry as the API, the NDJSON export and the CSV export show it: the hashed fields of
 * docs/audit.md under the same names (seq as a decimal string), plus prevHash and hash, so an
 * auditor can check an export line by line without the database.
 */
export type AuditEntryDto = Omit<AuditEntryContent, 'v'> & { prevHash: string; hash: string };

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

/** Built from the hashed content itself, so an export line is exactly what the chain hashed. */
export function toAuditEntryDto(row: AuditEntryRow): AuditEntryDto {
  const { v: _version, ...content } = auditEntryContent(row);
  return { ...content, prevHash: row.prevHash, hash: row.hash };
}
