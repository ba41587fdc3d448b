import type { Actor } from '@strata/kernel';

/** The parts of a request that decide who may decide it. */
export interface ApprovalParties {
  requesterType: string;
  requesterId: string;
  onBehalfOfType: string | null;
  onBehalfOfId: string | null;
  approverRoles: readonly string[];
  approverUserIds: readonly string[];
}

export type Eligibility = { eligible: true } | { eligible: false; why: 'self' | 'not_approver' | 'agent' };

const samePrincipal = (a: { type: string; id: string }, b: { type: string; id: string }) => a.type === b.type && a.id === b.id;

/**
 * Whether `actor` (acting for `onBehalfOf`, if anyone) may decide the request. Both sides' principals
 * are compared, so neither the requester nor the user an agent requested for can approve, even
 * through an agent of their own. Agents never decide: approvals are the human check on agents.
 * Eligible: holds one of the approver roles, or is a named approver user.
 */
export function approvalEligibility(request: ApprovalParties, actor: Actor, onBehalfOf?: Actor): Eligibility {
  const requesters = [{ type: request.requesterType, id: request.requesterId }];
  if (request.onBehalfOfType && request.onBehalfOfId) requesters.push({ type: request.onBehalfOfType, id: request.onBehalfOfId });
  const deciders = onBehalfOf ? [actor, onBehalfOf] : [actor];
  if (deciders.some((decider) => requesters.some((requester) => samePrincipal(decider, requester)))) return { eligible: false, why: 'self' };
  if (actor.type === 'agent' || actor.type === 'system') return { eligible: false, why: 'agent' };
  const byRole = (actor.roles ?? []).some((role) => request.approverRoles.includes(role));
  const byName = actor.type === 'user' && request.approverUserIds.includes(actor.id);
  return byRole || byName ? { eligible: true } : { eligible: false, why: 'not_approver' };
}
