import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PermissionCatalog, type PolicyRule } from '@strata/governance';

/**
 * `AgentTool`: the subject of tools that have no record of their own to check (the HTTP tool).
 * Its record in a check is `{ name, provider, kind, hosts }`, so a tenant policy can forbid, say,
 * `execute` of `AgentTool` where `provider` is `http` under some purpose. Other tools are checked
 * on what they touch (`read OntologyObject`, `apply OntologyActionType`, `read Collection`).
 */
export const TOOL_SUBJECTS = ['AgentTool'] as const;

export const TOOL_RULES: PolicyRule[] = [{ roles: ['builder', 'operator'], action: 'execute', subject: 'AgentTool' }];

@Injectable()
export class ToolPermissions implements OnModuleInit {
  constructor(private readonly catalog: PermissionCatalog) {}

  onModuleInit(): void {
    this.catalog.register({ subjects: [...TOOL_SUBJECTS], rules: TOOL_RULES });
  }
}
