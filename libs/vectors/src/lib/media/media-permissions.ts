import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PermissionCatalog, type PolicyRule } from '@strata/governance';

export const MEDIA_SUBJECT = 'MediaObject';

/** Every level but `restricted`: what roles other than owner, admin and auditor may touch. */
const NOT_RESTRICTED = { classification: { in: ['public', 'internal', 'confidential'] } };

/**
 * Built-in grants on media (owners and admins already manage everything). Restricted media is read
 * only by owners, admins and auditors: builders, operators and viewers neither see it in lists
 * nor read it, and cannot upload it (they could not read it back). Operators change and delete
 * only what they uploaded. MediaObject carries a classification, so confidential and restricted
 * media also need a declared purpose (X-Strata-Purpose) for anyone.
 */
export const MEDIA_RULES: PolicyRule[] = [
  { roles: ['builder'], action: ['read', 'create', 'update', 'delete'], subject: MEDIA_SUBJECT, conditions: NOT_RESTRICTED },
  { roles: ['operator'], action: ['read', 'create'], subject: MEDIA_SUBJECT, conditions: NOT_RESTRICTED },
  { roles: ['operator'], action: ['update', 'delete'], subject: MEDIA_SUBJECT, conditions: { ...NOT_RESTRICTED, createdById: '${actor.id}' } },
  { roles: ['viewer'], action: 'read', subject: MEDIA_SUBJECT, conditions: NOT_RESTRICTED },
  { roles: ['auditor'], action: 'read', subject: MEDIA_SUBJECT },
];

@Injectable()
export class MediaPermissions implements OnModuleInit {
  constructor(private readonly catalog: PermissionCatalog) {}

  onModuleInit(): void {
    this.catalog.register({ subjects: [MEDIA_SUBJECT], classifiedSubjects: [MEDIA_SUBJECT], rules: MEDIA_RULES });
  }
}
