import { api, queryString, type Page } from './api-client';

export interface AuthorizationDecision {
  id: string;
  actorType: string;
  actorId: string;
  onBehalfOfType: string | null;
  onBehalfOfId: string | null;
  roles: string[];
  action: string;
  subjectType: string;
  subjectId: string | null;
  purpose: string | null;
  justification: string | null;
  policyVersion: number;
  inputs: unknown;
  allowed: boolean;
  reason: string;
  requestId: string | null;
  traceId: string | null;
  createdAt: string;
}

export interface DecisionQuery {
  actorId?: string;
  action?: string;
  subjectType?: string;
  allowed?: 'true' | 'false';
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

export interface ReplayOutcome {
  allowed: boolean;
  reason: string;
  policyVersion: number;
}

export interface ReplayResult {
  decisionId: string;
  original: ReplayOutcome;
  replay: ReplayOutcome;
  changed: boolean;
}

export const decisionsApi = {
  list: (query: DecisionQuery) => api.get<Page<AuthorizationDecision>>(`/governance/decisions${queryString({ limit: 50, ...query })}`),
  /** Re-evaluates a stored decision under the current policy, or `policyVersion` (0: built-in roles only). */
  replay: (id: string, policyVersion?: number) =>
    api.post<ReplayResult>(`/governance/decisions/${encodeURIComponent(id)}/replay`, policyVersion === undefined ? {} : { policyVersion }),
};
