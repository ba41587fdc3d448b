import type { ApprovalDetail, ApprovalQuery, ApprovalStatus } from '../api/approvals';
import { APPROVAL_STATUSES } from '../api/approvals';
import type { WhoAmI } from '../api/governance';
import type { Permissions } from './permissions';
import type { FilterSpec, FilterValues } from './url-filters';

export type ApprovalView = 'for-me' | 'mine' | 'all';

/** The inbox's filters in the URL: `?view=all&status=approved`. */
export const APPROVAL_FILTERS: FilterSpec<'view' | 'status'> = {
  defaults: { view: 'for-me', status: '' },
  allowed: { view: ['for-me', 'mine', 'all'], status: ['', ...APPROVAL_STATUSES] },
};

/** What the list endpoint is asked for a view of the inbox. */
export function approvalQuery(filters: FilterValues<'view' | 'status'>): ApprovalQuery {
  return {
    ...(filters.view === 'for-me' ? { forMe: true } : filters.view === 'mine' ? { mine: true } : {}),
    ...(filters.status ? { status: filters.status as ApprovalStatus } : {}),
  };
}

export type DecideVerdict = { allowed: true } | { allowed: false; why: string };

/**
 * Whether the caller can approve or reject this request now, with the API's rules (the API decides;
 * this only avoids offering a form that will be refused): pending and not expired, a decide
 * permission, not the requester (nor whom an agent requested for), a human, an approver by role or
 * by name, and not decided already.
 */
export function decideVerdict(approval: ApprovalDetail, me: WhoAmI | undefined, permissions: Permissions, now: Date = new Date()): DecideVerdict {
  if (!me) return { allowed: false, why: 'Loading who you are…' };
  if (approval.status !== 'pending') return { allowed: false, why: `This request is ${approval.status}: it can no longer be decided.` };
  if (new Date(approval.expiresAt).getTime() <= now.getTime()) return { allowed: false, why: 'This request has expired: it can no longer be decided.' };
  const self = [approval.requester, ...(approval.onBehalfOf ? [approval.onBehalfOf] : [])].some(
    (party) => party.type === me.actor.type && party.id === me.actor.id,
  );
  if (self) return { allowed: false, why: 'You requested this approval: another approver must decide it (four-eyes rule).' };
  if (me.actor.type === 'agent' || me.actor.type === 'system') return { allowed: false, why: 'Agents never decide approvals.' };
  const record = {
    id: approval.id,
    requesterType: approval.requester.type,
    requesterId: approval.requester.id,
    action: approval.action,
    subjectType: approval.subjectType,
    subjectId: approval.subjectId,
    status: approval.status,
    purpose: approval.purpose,
  };
  if (!permissions.can('decide', 'ApprovalRequest', record)) return { allowed: false, why: 'Your roles do not allow deciding approval requests.' };
  const byRole = me.actor.roles.some((role) => approval.approverRoles.includes(role));
  const byName = me.actor.type === 'user' && approval.approverUserIds.includes(me.actor.id);
  if (!byRole && !byName) {
    return {
      allowed: false,
      why: `You are not an approver of this request: it needs ${approval.approverRoles.length ? `one of the roles ${approval.approverRoles.join(', ')}` : 'a named approver'}.`,
    };
  }
  const mine = approval.decisions.find((decision) => decision.approver.type === me.actor.type && decision.approver.id === me.actor.id);
  if (mine) return { allowed: false, why: `You already decided this request (${mine.decision}).` };
  return { allowed: true };
}
