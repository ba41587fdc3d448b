/**
 * The names CASL rules use for the governance layer's records (Prisma model names, so that
 * `accessibleBy` can turn rules into database filters). Later layers register their own subjects
 * with {@link SubjectRegistry}.
 */
export const GOVERNANCE_SUBJECTS = [
  'Tenant',
  'User',
  'Membership',
  'ServiceAccount',
  'ApiKey',
  'OidcProvider',
  'PolicyVersion',
  'Purpose',
  'AuthorizationDecision',
  'ApprovalRequest',
  'AuditEntry',
  'AuditCheckpoint',
] as const;

export type GovernanceSubject = (typeof GOVERNANCE_SUBJECTS)[number];

/** `manage` stands for every action, `all` for every subject (CASL's conventions). */
export const ACTIONS = ['manage', 'read', 'create', 'update', 'delete', 'decide', 'comment', 'cancel', 'execute', 'export', 'verify', 'replay', 'revoke'] as const;

/** Data classification levels of resources, least to most sensitive. */
export const CLASSIFICATIONS = ['public', 'internal', 'confidential', 'restricted'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** Levels that may be read or changed only under a declared purpose. */
export const PURPOSE_BOUND_CLASSIFICATIONS: readonly Classification[] = ['confidential', 'restricted'];
