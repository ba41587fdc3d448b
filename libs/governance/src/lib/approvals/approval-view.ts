import type { ApprovalCommentModel as ApprovalComment, ApprovalDecisionModel as ApprovalDecision, ApprovalRequestModel as ApprovalRequest } from '@strata/db';
import type { ApprovalStatus } from './approval-input';

/** A request as the API and other layers see it (never its tenant: that is the caller's own). */
export interface ApprovalView {
  id: string;
  status: ApprovalStatus;
  action: string;
  subjectType: string;
  subjectId: string | null;
  summary: string;
  arguments: unknown;
  argumentsHash: string;
  requester: { type: string; id: string };
  onBehalfOf: { type: string; id: string } | null;
  approverRoles: string[];
  approverUserIds: string[];
  quorum: number;
  purpose: string | null;
  expiresAt: Date;
  escalateAt: Date | null;
  escalateToRole: string | null;
  escalatedAt: Date | null;
  decidedAt: Date | null;
  executedAt: Date | null;
  createdAt: Date;
}

export interface ApprovalDecisionView {
  id: string;
  approver: { type: string; id: string };
  decision: 'approve' | 'reject';
  reason: string;
  createdAt: Date;
}

export interface ApprovalCommentView {
  id: string;
  author: { type: string; id: string };
  body: string;
  createdAt: Date;
}

export interface ApprovalDetailView extends ApprovalView {
  /** Approvals counted toward the quorum so far. */
  approvals: number;
  decisions: ApprovalDecisionView[];
  comments: ApprovalCommentView[];
}

export function toApprovalView(row: ApprovalRequest): ApprovalView {
  return {
    id: row.id,
    status: row.status as ApprovalStatus,
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    summary: row.summary,
    arguments: row.arguments,
    argumentsHash: row.argumentsHash,
    requester: { type: row.requesterType, id: row.requesterId },
    onBehalfOf: row.onBehalfOfType && row.onBehalfOfId ? { type: row.onBehalfOfType, id: row.onBehalfOfId } : null,
    approverRoles: row.approverRoles,
    approverUserIds: row.approverUserIds,
    quorum: row.quorum,
    purpose: row.purpose,
    expiresAt: row.expiresAt,
    escalateAt: row.escalateAt,
    escalateToRole: row.escalateToRole,
    escalatedAt: row.escalatedAt,
    decidedAt: row.decidedAt,
    executedAt: row.executedAt,
    createdAt: row.createdAt,
  };
}

/** A list row: the arguments (up to 64 KiB each) are left to the detail view. */
export type ApprovalListItem = Omit<ApprovalView, 'arguments'>;

export function toListItem(row: ApprovalRequest): ApprovalListItem {
  const { arguments: _omitted, ...item } = toApprovalView(row);
  return item;
}

export function toDetailView(row: ApprovalRequest, decisions: ApprovalDecision[], comments: ApprovalComment[]): ApprovalDetailView {
  return {
    ...toApprovalView(row),
    approvals: decisions.filter((decision) => decision.decision === 'approve').length,
    decisions: decisions.map((decision) => ({
      id: decision.id,
      approver: { type: decision.approverType, id: decision.approverId },
      decision: decision.decision as 'approve' | 'reject',
      reason: decision.reason,
      createdAt: decision.createdAt,
    })),
    comments: comments.map((comment) => ({
      id: comment.id,
      author: { type: comment.authorType, id: comment.authorId },
      body: comment.body,
      createdAt: comment.createdAt,
    })),
  };
}

/** The attributes authorization rules see (never the arguments: they can be large or sensitive). */
export function authorizationRecord(row: Pick<ApprovalRequest, 'id' | 'requesterType' | 'requesterId' | 'action' | 'subjectType' | 'subjectId' | 'status' | 'purpose'>) {
  return {
    id: row.id,
    requesterType: row.requesterType,
    requesterId: row.requesterId,
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    status: row.status,
    purpose: row.purpose,
  };
}
