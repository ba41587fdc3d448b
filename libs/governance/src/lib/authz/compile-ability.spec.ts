import { subject } from '@casl/ability';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_RULES } from './built-in-roles';
import { compileAbility, type AbilityPrincipal } from './compile-ability';

function abilityOf(roles: string[], options: { purpose?: string; custom?: Parameters<typeof compileAbility>[0]['customRules']; classified?: string[] } = {}) {
  const principal: AbilityPrincipal = { type: 'user', id: 'u-1', roles };
  return compileAbility({
    principal,
    tenantId: 't-1',
    purpose: options.purpose,
    builtInRules: BUILT_IN_RULES,
    customRules: options.custom ?? [],
    classifiedSubjects: options.classified ?? [],
  });
}

describe('compileAbility', () => {
  it('gives owners everything and admins everything but deleting the tenant and granting owner', () => {
    const owner = abilityOf(['owner']);
    expect(owner.can('delete', 'Tenant')).toBe(true);
    const admin = abilityOf(['admin']);
    expect(admin.can('update', subject('Membership', { roles: ['builder'] }))).toBe(true);
    expect(admin.can('update', subject('Membership', { roles: ['owner'] }))).toBe(false);
    expect(admin.can('delete', subject('Tenant', { id: 't-1' }))).toBe(false);
  });

  it('keeps auditors read-only on governance records', () => {
    const auditor = abilityOf(['auditor']);
    for (const subjectType of ['AuditEntry', 'AuthorizationDecision', 'PolicyVersion', 'ApiKey']) {
      expect(auditor.can('read', subjectType)).toBe(true);
      expect(auditor.can('update', subjectType)).toBe(false);
      expect(auditor.can('delete', subjectType)).toBe(false);
    }
    expect(auditor.can('export', 'AuditEntry')).toBe(true);
    expect(auditor.can('create', 'ApiKey')).toBe(false);
  });

  it('lets requesters see their own approvals and approvers decide any', () => {
    const viewer = abilityOf(['viewer']);
    expect(viewer.can('read', subject('ApprovalRequest', { requesterId: 'u-1' }))).toBe(true);
    expect(viewer.can('read', subject('ApprovalRequest', { requesterId: 'u-2' }))).toBe(false);
    expect(viewer.can('decide', subject('ApprovalRequest', { requesterId: 'u-2' }))).toBe(false);
    expect(abilityOf(['approver']).can('decide', subject('ApprovalRequest', { requesterId: 'u-2' }))).toBe(true);
  });

  it('applies custom rules with conditions, fields and purposes', () => {
    const custom = [
      { roles: ['claims-reviewer'], action: 'read', subject: 'ServiceAccount', conditions: { name: { startsWith: 'claims-' } } },
      { roles: ['claims-reviewer'], action: 'update', subject: 'ServiceAccount', fields: ['description'], purposes: ['claims-review'] },
    ];
    const reviewer = abilityOf(['claims-reviewer'], { custom });
    expect(reviewer.can('read', subject('ServiceAccount', { name: 'claims-bot' }))).toBe(true);
    expect(reviewer.can('read', subject('ServiceAccount', { name: 'payroll-bot' }))).toBe(false);
    expect(reviewer.can('update', subject('ServiceAccount', { name: 'claims-bot' }), 'description')).toBe(false);
    const withPurpose = abilityOf(['claims-reviewer'], { custom, purpose: 'claims-review' });
    expect(withPurpose.can('update', subject('ServiceAccount', { name: 'claims-bot' }), 'description')).toBe(true);
    expect(withPurpose.can('update', subject('ServiceAccount', { name: 'claims-bot' }), 'roles')).toBe(false);
  });

  it('requires a declared purpose for confidential and restricted data', () => {
    const custom = [{ roles: ['viewer'], action: 'read', subject: 'Document' }];
    const noPurpose = abilityOf(['viewer'], { custom, classified: ['Document'] });
    expect(noPurpose.can('read', subject('Document', { classification: 'internal' }))).toBe(true);
    expect(noPurpose.can('read', subject('Document', { classification: 'restricted' }))).toBe(false);
    expect(noPurpose.relevantRuleFor('read', subject('Document', { classification: 'restricted' }))?.reason).toMatch(/purpose/);
    const withPurpose = abilityOf(['viewer'], { custom, classified: ['Document'], purpose: 'fraud-review' });
    expect(withPurpose.can('read', subject('Document', { classification: 'restricted' }))).toBe(true);
  });
});
