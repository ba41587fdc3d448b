import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PermissionCatalog, type PolicyRule } from '@strata/governance';

export const SESSION_SUBJECT = 'AgentSession';
export const RUN_SUBJECT = 'AgentRun';
/** The subject type of a tool call's approval request (its id: the call's idempotency key). */
export const TOOL_CALL_SUBJECT = 'AgentToolCall';

/**
 * Who may talk to agents and see their runs. A session and its runs belong to the user who opened
 * it: builders and operators open sessions and read, message and cancel their own; auditors read
 * every session and run (and replay, which changes nothing); owners and admins manage all.
 * Agents acting for any user may ask for approval of their own tool calls and budget extensions:
 * approvals are the human check on agents, whatever the user's role.
 */
export const RUNTIME_RULES: PolicyRule[] = [
  { roles: ['builder', 'operator'], action: 'create', subject: SESSION_SUBJECT },
  { roles: ['builder', 'operator'], action: ['read', 'message'], subject: SESSION_SUBJECT, conditions: { userId: '${actor.id}' } },
  { roles: ['builder', 'operator'], action: ['read', 'cancel', 'replay'], subject: RUN_SUBJECT, conditions: { onBehalfOfId: '${actor.id}' } },
  { roles: ['auditor'], action: 'read', subject: [SESSION_SUBJECT, RUN_SUBJECT] },
  { roles: ['auditor'], action: 'replay', subject: RUN_SUBJECT },
  {
    roles: ['owner', 'admin', 'builder', 'operator', 'approver', 'auditor', 'viewer'],
    action: 'create',
    subject: 'ApprovalRequest',
    conditions: { requesterType: 'agent', subjectType: { in: ['AgentToolCall', 'AgentRun'] } },
  },
];

@Injectable()
export class RuntimePermissions implements OnModuleInit {
  constructor(private readonly catalog: PermissionCatalog) {}

  onModuleInit(): void {
    this.catalog.register({ subjects: [SESSION_SUBJECT, RUN_SUBJECT], rules: RUNTIME_RULES });
  }
}
