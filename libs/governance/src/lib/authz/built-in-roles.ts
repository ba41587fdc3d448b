import type { PolicyRule } from '../policies/policy-rule';
import { GOVERNANCE_SUBJECTS } from './subjects';

export const BUILT_IN_ROLES = ['owner', 'admin', 'builder', 'operator', 'approver', 'auditor', 'viewer'] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

/** Governance records an auditor reads (and nothing it may change). */
const GOVERNANCE_RECORDS = [...GOVERNANCE_SUBJECTS];

/** Who may grant the owner role: owners only (admins manage everything else). */
const OWNER_GRANTS: PolicyRule[] = [
  {
    roles: ['admin'],
    action: ['create', 'update', 'delete'],
    subject: ['Membership', 'ServiceAccount', 'ApiKey'],
    conditions: { roles: { has: 'owner' } },
    inverted: true,
    reason: 'only an owner grants or removes the owner role',
  },
];

/**
 * Subjects of the observability layer (it sits below governance and cannot register them itself):
 * stored traces and the data-access log. Both show other principals' activity, so auditors read
 * them; owners and admins already manage everything.
 */
export const OBSERVABILITY_SUBJECTS = ['Trace', 'DataAccessRecord'] as const;

/**
 * The built-in roles' rules for the governance layer. Later layers add grants for their own
 * subjects through the PermissionCatalog; tenants add or restrict with custom policy rules.
 */
export const BUILT_IN_RULES: readonly PolicyRule[] = [
  // Every principal: its tenant, the purposes it can declare, and the approvals it asked for.
  { roles: [...BUILT_IN_ROLES], action: 'read', subject: ['Tenant', 'Purpose'] },
  {
    roles: [...BUILT_IN_ROLES],
    action: ['read', 'cancel', 'comment'],
    subject: 'ApprovalRequest',
    conditions: { requesterId: '${actor.id}' },
  },

  { roles: ['owner'], action: 'manage', subject: 'all' },

  { roles: ['admin'], action: 'manage', subject: 'all' },
  { roles: ['admin'], action: 'delete', subject: 'Tenant', inverted: true, reason: 'only an owner deletes a tenant' },
  ...OWNER_GRANTS,

  { roles: ['builder'], action: 'read', subject: ['PolicyVersion', 'ServiceAccount'] },
  { roles: ['builder', 'operator'], action: 'create', subject: 'ApprovalRequest' },

  { roles: ['approver'], action: ['read', 'decide', 'comment'], subject: 'ApprovalRequest' },

  { roles: ['auditor'], action: 'read', subject: GOVERNANCE_RECORDS },
  { roles: ['auditor'], action: ['export', 'verify'], subject: 'AuditEntry' },
  { roles: ['auditor'], action: 'replay', subject: 'AuthorizationDecision' },

  // Observability (libs/observability): traces and the data-access log, read through the
  // OBSERVABILITY_ACCESS port (observability-access.provider.ts).
  { roles: ['auditor'], action: 'read', subject: [...OBSERVABILITY_SUBJECTS] },
];
