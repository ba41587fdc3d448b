import { describe, expect, it } from 'vitest';
import { APPROVAL_LIMITS, createApprovalSchema, decideApprovalSchema, listApprovalsSchema, parseApprovalInput } from './approval-input';
import { InvalidApprovalInputError } from './approvals.errors';

const valid = {
  action: 'payments.refund',
  subjectType: 'Payment',
  subjectId: 'pay_1',
  summary: 'Refund order 1234',
  arguments: { amount: 10 },
  approverRoles: ['approver'],
  expiresInSeconds: 3600,
};

function issuesOf(run: () => unknown): Array<{ path: string; message: string }> {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidApprovalInputError);
    const failure = error as InvalidApprovalInputError;
    expect(failure.kind).toBe('invalid_argument');
    expect(failure.code).toBe('governance.approval_invalid_input');
    return (failure.details as { issues: Array<{ path: string; message: string }> }).issues;
  }
  throw new Error('expected the input to be refused');
}

describe('approval input', () => {
  it('accepts a request and fills the defaults', () => {
    expect(parseApprovalInput(createApprovalSchema, valid)).toMatchObject({ quorum: 1, approverUserIds: [], approverRoles: ['approver'] });
  });

  it.each([
    ['quorum', { quorum: 0 }],
    ['quorum', { quorum: APPROVAL_LIMITS.quorumMax + 1 }],
    ['expiresInSeconds', { expiresInSeconds: 59 }],
    ['expiresInSeconds', { expiresInSeconds: 30 * 24 * 3600 + 1 }],
    ['approverRoles', { approverRoles: [] }],
    ['approverUserIds.0', { approverUserIds: ['not-a-uuid'] }],
    ['escalation.afterSeconds', { escalation: { afterSeconds: 3600, toRole: 'admin' } }],
    ['summary', { summary: '   ' }],
    ['arguments', { arguments: undefined }],
    ['arguments', { arguments: { blob: 'x'.repeat(APPROVAL_LIMITS.argumentsMaxBytes) } }],
    ['arguments', { arguments: { text: 'a\u0000b' } }],
    ['action', { action: 'DROP TABLE; --' }],
    ['(root)', { requesterId: 'someone-else' }],
  ])('names the bad field %s', (path, patch) => {
    const issues = issuesOf(() => parseApprovalInput(createApprovalSchema, { ...valid, ...patch }));
    expect(issues.map((issue) => issue.path)).toContain(path);
  });

  it('refuses deeply nested arguments without overflowing the stack', () => {
    let nested: unknown = 1;
    for (let depth = 0; depth < 100_000; depth += 1) nested = [nested];
    const issues = issuesOf(() => parseApprovalInput(createApprovalSchema, { ...valid, arguments: nested }));
    expect(issues[0].message).toContain('deeper');
  });

  it('requires a bounded, non-empty reason for a decision', () => {
    expect(issuesOf(() => parseApprovalInput(decideApprovalSchema, { decision: 'approve', reason: ' ' }))[0].path).toBe('reason');
    expect(issuesOf(() => parseApprovalInput(decideApprovalSchema, { decision: 'approve', reason: 'x'.repeat(2001) }))[0].path).toBe('reason');
    expect(issuesOf(() => parseApprovalInput(decideApprovalSchema, { decision: 'maybe', reason: 'ok' }))[0].path).toBe('decision');
    expect(parseApprovalInput(decideApprovalSchema, { decision: 'reject', reason: '  too risky ' })).toEqual({ decision: 'reject', reason: 'too risky' });
  });

  it('reads list filters from a query string', () => {
    expect(parseApprovalInput(listApprovalsSchema, { mine: 'true', limit: '10' })).toEqual({ mine: true, limit: 10 });
    expect(issuesOf(() => parseApprovalInput(listApprovalsSchema, { limit: '1000' }))[0].path).toBe('limit');
  });
});
