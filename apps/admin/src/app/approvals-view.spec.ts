import { describe, expect, it } from 'vitest';
import type { ApprovalDetail } from '../api/approvals';
import type { WhoAmI } from '../api/governance';
import { APPROVAL_FILTERS, approvalQuery, decideVerdict } from './approvals-view';
import { Permissions } from './permissions';
import { readFilters } from './url-filters';

const NOW = new Date('2026-11-22T10:00:00Z');

function approval(overrides: Partial<ApprovalDetail> = {}): ApprovalDetail {
  return {
    id: 'a-1',
    status: 'pending',
    action: 'payments.refund',
    subjectType: 'Payment',
    subjectId: 'p-9',
    summary: 'Refund 120 EUR',
    argumentsHash: 'h',
    requester: { type: 'service_account', id: 'sa-1' },
    onBehalfOf: null,
    approverRoles: ['owner', 'approver'],
    approverUserIds: [],
    quorum: 1,
    purpose: null,
    expiresAt: '2026-11-23T10:00:00Z',
    escalateAt: null,
    escalateToRole: null,
    escalatedAt: null,
    decidedAt: null,
    executedAt: null,
    createdAt: '2026-11-22T09:00:00Z',
    arguments: { amount: 120 },
    approvals: 0,
    decisions: [],
    comments: [],
    ...overrides,
  };
}

function me(actor: WhoAmI['actor']): WhoAmI {
  return { tenant: { id: 't', slug: 'default', name: 'Default tenant' }, actor, purpose: null, policyVersion: 0, rules: [] };
}

const OWNER = me({ type: 'user', id: 'u-owner', roles: ['owner'] });
const ALL = new Permissions([{ action: 'manage', subject: 'all' }]);

describe('approval inbox filters', () => {
  it('maps the views to the list query', () => {
    expect(approvalQuery(readFilters(new URLSearchParams(''), APPROVAL_FILTERS))).toEqual({ forMe: true });
    expect(approvalQuery(readFilters(new URLSearchParams('view=mine&status=pending'), APPROVAL_FILTERS))).toEqual({ mine: true, status: 'pending' });
    expect(approvalQuery(readFilters(new URLSearchParams('view=all&status=approved'), APPROVAL_FILTERS))).toEqual({ status: 'approved' });
    expect(approvalQuery(readFilters(new URLSearchParams('view=all&status=bogus'), APPROVAL_FILTERS))).toEqual({});
  });
});

describe('decideVerdict', () => {
  it('lets an eligible approver decide a pending request', () => {
    expect(decideVerdict(approval(), OWNER, ALL, NOW)).toEqual({ allowed: true });
  });

  it('refuses the requester and whom an agent requested for', () => {
    const requester = me({ type: 'service_account', id: 'sa-1', roles: ['owner'] });
    expect(decideVerdict(approval(), requester, ALL, NOW)).toMatchObject({ allowed: false, why: expect.stringContaining('four-eyes') });
    const forOwner = approval({ requester: { type: 'agent', id: 'ag-1' }, onBehalfOf: { type: 'user', id: 'u-owner' } });
    expect(decideVerdict(forOwner, OWNER, ALL, NOW)).toMatchObject({ allowed: false });
  });

  it('refuses decided, expired, non-approver and already-decided cases', () => {
    expect(decideVerdict(approval({ status: 'approved' }), OWNER, ALL, NOW)).toMatchObject({ allowed: false, why: expect.stringContaining('approved') });
    expect(decideVerdict(approval({ expiresAt: '2026-11-22T09:59:59Z' }), OWNER, ALL, NOW)).toMatchObject({ why: expect.stringContaining('expired') });
    expect(decideVerdict(approval({ approverRoles: ['approver'] }), OWNER, ALL, NOW)).toMatchObject({ why: expect.stringContaining('not an approver') });
    const decided = approval({ decisions: [{ id: 'd', approver: { type: 'user', id: 'u-owner' }, decision: 'approve', reason: 'ok', createdAt: '' }] });
    expect(decideVerdict(decided, OWNER, ALL, NOW)).toMatchObject({ why: expect.stringContaining('already decided') });
  });

  it('accepts a named approver user and refuses without the decide permission', () => {
    const named = me({ type: 'user', id: 'u-7', roles: ['viewer'] });
    expect(decideVerdict(approval({ approverRoles: [], approverUserIds: ['u-7'] }), named, ALL, NOW)).toEqual({ allowed: true });
    expect(decideVerdict(approval(), OWNER, Permissions.none(), NOW)).toMatchObject({ why: expect.stringContaining('do not allow') });
  });
});
