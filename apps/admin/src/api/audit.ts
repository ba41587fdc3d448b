import { api, queryString, type Download, type Page } from './api-client';

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export const AUDIT_ACTOR_TYPES = ['user', 'service_account', 'agent', 'system'] as const;

/** An entry as the API and the exports show it (seq as a decimal string: JSON has no 64-bit integers). */
export interface AuditEntry {
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

/** The filters the list and the export share (query-string values; instants in ISO 8601). */
export interface AuditFilter {
  from?: string;
  to?: string;
  actorType?: string;
  actorId?: string;
  actionPrefix?: string;
  targetType?: string;
  targetId?: string;
  outcome?: string;
  purpose?: string;
  requestId?: string;
}

export interface AuditProblem {
  kind: string;
  seq: string;
  entryId?: string;
  checkpointId?: string;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  tenantId: string;
  checkedEntries: number;
  checkedCheckpoints: number;
  verifiedThrough: { seq: string; hash: string } | null;
  firstProblem?: AuditProblem;
}

export interface AuditCheckpoint {
  id: string;
  tenantId: string;
  seq: string;
  hash: string;
  keyId: string;
  signature: string;
  createdAt: string;
  statement: string;
}

export const auditApi = {
  entries: (filter: AuditFilter, cursor?: string, limit = 50) =>
    api.get<Page<AuditEntry>>(`/governance/audit/entries${queryString({ ...filter, cursor, limit })}`),
  entry: (id: string) => api.get<AuditEntry>(`/governance/audit/entries/${encodeURIComponent(id)}`),
  /** The matching entries, streamed; the export is itself recorded as `audit.export`. */
  export: (filter: AuditFilter, format: 'ndjson' | 'csv'): Promise<Download> =>
    api.download(`/governance/audit/export${queryString({ ...filter, format })}`),
  /** Walks the whole chain and every checkpoint; recorded as `audit.verify`. */
  verify: () => api.post<AuditVerification>('/governance/audit/verify', {}),
  checkpoints: (cursor?: string, limit = 20) => api.get<Page<AuditCheckpoint>>(`/governance/audit/checkpoints${queryString({ cursor, limit })}`),
};
