import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PermissionCatalog, type PolicyRule } from '@strata/governance';

export const ACTION_SUBJECTS = ['OntologyActionType', 'OntologyAction'] as const;

/**
 * Built-in grants for actions: builders define action types; builders and operators apply them
 * (`apply` on OntologyActionType — the effects then run without separate object grants: the
 * action type is the governed path) and revert their own; everyone reads action types and the
 * log. Owners and admins already manage everything.
 */
export const ACTION_RULES: PolicyRule[] = [
  { roles: ['builder'], action: 'manage', subject: ['OntologyActionType'] },
  { roles: ['builder', 'operator'], action: 'apply', subject: 'OntologyActionType' },
  { roles: ['builder', 'operator'], action: 'revert', subject: 'OntologyAction', conditions: { actorId: '${actor.id}' } },
  { roles: ['builder', 'operator', 'approver', 'viewer', 'auditor'], action: 'read', subject: [...ACTION_SUBJECTS] },
];

@Injectable()
export class ActionPermissions implements OnModuleInit {
  constructor(private readonly catalog: PermissionCatalog) {}

  onModuleInit(): void {
    this.catalog.register({ subjects: [...ACTION_SUBJECTS], rules: ACTION_RULES });
  }
}
