import { describe, expect, it } from 'vitest';
import type { Actor } from '@strata/kernel';
import { approvalEligibility, type ApprovalParties } from './approval-eligibility';

const alice: Actor = { type: 'user', id: 'alice', roles: ['operator', 'approver'] };
const bob: Actor = { type: 'user', id: 'bob', roles: ['approver'] };
const carol: Actor = { type: 'user', id: 'carol', roles: ['viewer'] };
const agent: Actor = { type: 'agent', id: 'agent-1', roles: ['approver'] };

const request = (overrides: Partial<ApprovalParties> = {}): ApprovalParties => ({
  requesterType: 'user',
  requesterId: 'alice',
  onBehalfOfType: null,
  onBehalfOfId: null,
  approverRoles: ['approver'],
  approverUserIds: [],
  ...overrides,
});

describe('approvalEligibility', () => {
  it('lets holders of an approver role and named users decide', () => {
    expect(approvalEligibility(request(), bob)).toEqual({ eligible: true });
    expect(approvalEligibility(request({ approverRoles: [], approverUserIds: ['carol'] }), carol)).toEqual({ eligible: true });
    expect(approvalEligibility(request(), carol)).toEqual({ eligible: false, why: 'not_approver' });
  });

  it('never lets the requester decide, even holding the approver role or named', () => {
    expect(approvalEligibility(request(), alice)).toEqual({ eligible: false, why: 'self' });
    expect(approvalEligibility(request({ approverUserIds: ['alice'] }), alice)).toEqual({ eligible: false, why: 'self' });
  });

  it('compares both principals: the user an agent requested for, and a decider acting for the requester', () => {
    const forBob = request({ requesterType: 'agent', requesterId: 'agent-1', onBehalfOfType: 'user', onBehalfOfId: 'bob' });
    expect(approvalEligibility(forBob, bob)).toEqual({ eligible: false, why: 'self' });
    const service: Actor = { type: 'service_account', id: 'sa-1', roles: ['approver'] };
    expect(approvalEligibility(request(), service, alice)).toEqual({ eligible: false, why: 'self' });
    expect(approvalEligibility(request(), service)).toEqual({ eligible: true });
  });

  it('never lets an agent or the system decide', () => {
    expect(approvalEligibility(request(), agent)).toEqual({ eligible: false, why: 'agent' });
    expect(approvalEligibility(request(), { type: 'system', id: 'sweeper', roles: ['approver'] })).toEqual({ eligible: false, why: 'agent' });
  });

  it('matches named approvers by user id only, not a service account with the same id', () => {
    const named = request({ approverRoles: [], approverUserIds: ['x-1'] });
    expect(approvalEligibility(named, { type: 'service_account', id: 'x-1', roles: [] })).toEqual({ eligible: false, why: 'not_approver' });
  });
});
