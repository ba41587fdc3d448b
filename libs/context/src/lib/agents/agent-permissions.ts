import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PermissionCatalog, type PolicyRule } from '@strata/governance';
import { AGENT_SUBJECT } from './agents.service';

/**
 * Built-in grants for agents: builders create and edit them; every other role reads them (operators
 * run them, approvers see what asks them, viewers chat, auditors read everything). Owners and
 * admins already manage everything.
 */
export const AGENT_RULES: PolicyRule[] = [
  { roles: ['builder'], action: 'manage', subject: AGENT_SUBJECT },
  { roles: ['operator', 'approver', 'viewer', 'auditor'], action: 'read', subject: AGENT_SUBJECT },
];

@Injectable()
export class AgentPermissions implements OnModuleInit {
  constructor(private readonly catalog: PermissionCatalog) {}

  onModuleInit(): void {
    this.catalog.register({ subjects: [AGENT_SUBJECT], rules: AGENT_RULES });
  }
}
