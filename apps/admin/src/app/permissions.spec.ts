import { describe, expect, it } from 'vitest';
import { matchesWhere, Permissions, type RawRule } from './permissions';

// What GET /governance/me returns for an admin: the built-in rules that apply to the role, in order.
const ADMIN: RawRule[] = [
  { action: 'read', subject: ['Tenant', 'Purpose'] },
  { action: ['read', 'cancel', 'comment'], subject: 'ApprovalRequest', conditions: { requesterId: 'sa-1' } },
  { action: 'manage', subject: 'all' },
  { action: 'delete', subject: 'Tenant', inverted: true, reason: 'only an owner deletes a tenant' },
  {
    action: ['create', 'update', 'delete'],
    subject: ['Membership', 'ServiceAccount', 'ApiKey'],
    conditions: { roles: { has: 'owner' } },
    inverted: true,
    reason: 'only an owner grants or removes the owner role',
  },
];

const AUDITOR: RawRule[] = [
  { action: 'read', subject: ['Tenant', 'Purpose'] },
  { action: 'read', subject: ['Membership', 'ApiKey', 'AuditEntry', 'PolicyVersion'] },
  { action: ['export', 'verify'], subject: 'AuditEntry' },
];

describe('Permissions', () => {
  it('treats manage as every action and all as every subject', () => {
    const admin = new Permissions(ADMIN);
    expect(admin.can('update', 'PolicyVersion')).toBe(true);
    expect(admin.can('verify', 'AuditEntry')).toBe(true);
    expect(admin.can('revoke', 'ApiKey')).toBe(true);
  });

  it('lets a later unconditional inverted rule win, with its reason', () => {
    expect(new Permissions(ADMIN).check('delete', 'Tenant')).toEqual({ allowed: false, reason: 'only an owner deletes a tenant' });
  });

  it('skips a conditional inverted rule for a subject type but applies it to a matching record', () => {
    const admin = new Permissions(ADMIN);
    expect(admin.can('update', 'Membership')).toBe(true);
    expect(admin.can('update', 'Membership', { roles: ['viewer'] })).toBe(true);
    expect(admin.check('update', 'Membership', { roles: ['owner', 'admin'] })).toEqual({
      allowed: false,
      reason: 'only an owner grants or removes the owner role',
    });
  });

  it('grants nothing a role does not hold', () => {
    const auditor = new Permissions(AUDITOR);
    expect(auditor.can('read', 'AuditEntry')).toBe(true);
    expect(auditor.can('export', 'AuditEntry')).toBe(true);
    expect(auditor.can('create', 'Membership')).toBe(false);
    expect(auditor.can('update', 'PolicyVersion')).toBe(false);
    expect(Permissions.none().can('read', 'Tenant')).toBe(false);
  });

  it('counts a conditional grant for a subject type and checks it on a record', () => {
    const operator = new Permissions([{ action: ['read', 'cancel'], subject: 'ApprovalRequest', conditions: { requesterId: 'sa-1' } }]);
    expect(operator.can('cancel', 'ApprovalRequest')).toBe(true);
    expect(operator.can('cancel', 'ApprovalRequest', { requesterId: 'sa-1' })).toBe(true);
    expect(operator.can('cancel', 'ApprovalRequest', { requesterId: 'someone-else' })).toBe(false);
  });

  it('honours field-limited rules', () => {
    const rules: RawRule[] = [
      { action: 'update', subject: 'ServiceAccount' },
      { action: 'update', subject: 'ServiceAccount', fields: ['roles'], inverted: true, reason: 'roles are managed by the platform team' },
    ];
    const permissions = new Permissions(rules);
    expect(permissions.can('update', 'ServiceAccount')).toBe(true);
    expect(permissions.can('update', 'ServiceAccount', undefined, 'description')).toBe(true);
    expect(permissions.check('update', 'ServiceAccount', undefined, 'roles')).toEqual({ allowed: false, reason: 'roles are managed by the platform team' });
  });

  it('leans to allowed when a condition uses an operator it does not know (the API decides)', () => {
    const rules: RawRule[] = [
      { action: 'manage', subject: 'all' },
      { action: 'update', subject: 'Purpose', conditions: { name: { startsWith: 'fraud' } }, inverted: true },
    ];
    expect(new Permissions(rules).can('update', 'Purpose', { name: 'fraud-review' })).toBe(true);
  });
});

describe('matchesWhere', () => {
  const record = { status: 'pending', roles: ['approver', 'viewer'], quorum: 2, purpose: null };

  it('compares plain values, null and the equals / in / notIn / not operators', () => {
    expect(matchesWhere({ status: 'pending' }, record)).toBe(true);
    expect(matchesWhere({ status: 'approved' }, record)).toBe(false);
    expect(matchesWhere({ purpose: null }, record)).toBe(true);
    expect(matchesWhere({ missing: null }, record)).toBe(true);
    expect(matchesWhere({ status: { equals: 'pending' } }, record)).toBe(true);
    expect(matchesWhere({ status: { in: ['approved', 'pending'] } }, record)).toBe(true);
    expect(matchesWhere({ status: { notIn: ['pending'] } }, record)).toBe(false);
    expect(matchesWhere({ status: { not: 'approved' } }, record)).toBe(true);
  });

  it('handles list operators, numeric ranges and AND / OR / NOT', () => {
    expect(matchesWhere({ roles: { has: 'approver' } }, record)).toBe(true);
    expect(matchesWhere({ roles: { hasSome: ['owner', 'viewer'] } }, record)).toBe(true);
    expect(matchesWhere({ roles: { hasEvery: ['owner', 'viewer'] } }, record)).toBe(false);
    expect(matchesWhere({ roles: { isEmpty: false } }, record)).toBe(true);
    expect(matchesWhere({ quorum: { gte: 2, lt: 3 } }, record)).toBe(true);
    expect(matchesWhere({ OR: [{ status: 'approved' }, { quorum: 2 }] }, record)).toBe(true);
    expect(matchesWhere({ AND: [{ status: 'pending' }, { quorum: 3 }] }, record)).toBe(false);
    expect(matchesWhere({ NOT: { status: 'pending' } }, record)).toBe(false);
  });

  it('says unknown for operators it cannot evaluate', () => {
    expect(matchesWhere({ status: { contains: 'pend' } }, record)).toBe('unknown');
    expect(matchesWhere({ status: 'approved', summary: { contains: 'x' } }, record)).toBe(false);
  });
});
