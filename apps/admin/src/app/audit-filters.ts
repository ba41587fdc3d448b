import type { AuditFilter } from '../api/audit';
import { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES } from '../api/audit';
import type { FilterSpec, FilterValues } from './url-filters';

export type AuditFilterKey = 'from' | 'to' | 'actorType' | 'actorId' | 'actionPrefix' | 'targetType' | 'targetId' | 'outcome' | 'purpose' | 'requestId';

/** The audit explorer's filters in the URL (instants as ISO 8601, so a shared link is the same moment everywhere). */
export const AUDIT_FILTERS: FilterSpec<AuditFilterKey> = {
  defaults: { from: '', to: '', actorType: '', actorId: '', actionPrefix: '', targetType: '', targetId: '', outcome: '', purpose: '', requestId: '' },
  allowed: { actorType: ['', ...AUDIT_ACTOR_TYPES], outcome: ['', ...AUDIT_OUTCOMES] },
};

export const ACTION_PREFIX = /^[a-z0-9_.]{1,128}$/;

/** Client-side checks of a filter draft, by field (what the API would refuse with a 400). */
export function auditFilterProblems(values: FilterValues<AuditFilterKey>): Partial<Record<AuditFilterKey, string>> {
  const problems: Partial<Record<AuditFilterKey, string>> = {};
  if (values.actionPrefix && !ACTION_PREFIX.test(values.actionPrefix)) {
    problems.actionPrefix = 'Lowercase letters, digits, _ and . only (e.g. api_key. or policy.publish).';
  }
  const from = values.from ? Date.parse(values.from) : NaN;
  const to = values.to ? Date.parse(values.to) : NaN;
  if (values.from && Number.isNaN(from)) problems.from = 'Not a date and time.';
  if (values.to && Number.isNaN(to)) problems.to = 'Not a date and time.';
  if (!Number.isNaN(from) && !Number.isNaN(to) && from >= to) problems.to = 'Must be after "From".';
  return problems;
}

/** The query the list and the export send: only the filters that are set. */
export function auditFilter(values: FilterValues<AuditFilterKey>): AuditFilter {
  const filter: AuditFilter = {};
  for (const [key, value] of Object.entries(values) as Array<[AuditFilterKey, string]>) {
    if (value) filter[key] = value;
  }
  return filter;
}

/** A readable name for the export file when the API suggests none. */
export function exportFilename(format: 'ndjson' | 'csv', now: Date = new Date()): string {
  return `strata-audit-${now.toISOString().replace(/[:.]/g, '-')}.${format}`;
}
