import { api, queryString, type Page } from './api-client';

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'cancelled', 'executed'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export interface Principal {
  type: string;
  id: string;
}

export interface ApprovalListItem {
  id: string;
  status: ApprovalStatus;
  action: string;
  subjectType: string;
  subjectId: string | null;
  summary: string;
  argumentsHash: string;
  requester: Principal;
  onBehalfOf: Principal | null;
  approverRoles: string[];
  approverUserIds: string[];
  quorum: number;
  purpose: string | null;
  expiresAt: string;
  escalateAt: string | null;
  escalateToRole: string | null;
  escalatedAt: string | null;
  decidedAt: string | null;
  executedAt: string | null;
  createdAt: string;
}

export interface ApprovalDecision {
  id: string;
  approver: Principal;
  decision: 'approve' | 'reject';
  reason: string;
  createdAt: string;
}

export interface ApprovalComment {
  id: string;
  author: Principal;
  body: string;
  createdAt: string;
}

export interface ApprovalDetail extends ApprovalListItem {
  arguments: unknown;
  /** Approvals counted toward the quorum so far. */
  approvals: number;
  decisions: ApprovalDecision[];
  comments: ApprovalComment[];
}

export interface ApprovalQuery {
  status?: ApprovalStatus;
  /** Requests the caller made. */
  mine?: boolean;
  /** Pending requests the caller may decide now. */
  forMe?: boolean;
  cursor?: string;
  limit?: number;
}

export const approvalsApi = {
  list: (query: ApprovalQuery) => api.get<Page<ApprovalListItem>>(`/governance/approvals${queryString({ limit: 50, ...query })}`),
  get: (id: string) => api.get<ApprovalDetail>(`/governance/approvals/${encodeURIComponent(id)}`),
  decide: (id: string, decision: 'approve' | 'reject', reason: string) =>
    api.post<ApprovalDetail>(`/governance/approvals/${encodeURIComponent(id)}/decisions`, { decision, reason }),
  comment: (id: string, body: string) => api.post<ApprovalComment>(`/governance/approvals/${encodeURIComponent(id)}/comments`, { body }),
  cancel: (id: string, reason?: string) => api.post<ApprovalDetail>(`/governance/approvals/${encodeURIComponent(id)}/cancel`, reason ? { reason } : {}),
};
