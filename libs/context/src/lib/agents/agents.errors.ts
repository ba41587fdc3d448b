import { ContextError } from '../context.errors';

/** One problem of an agent or its spec, at a dotted path (`tools.2.actionType`, `model.alias`). */
export interface AgentFieldIssue {
  path: string;
  message: string;
}

function summary(issues: AgentFieldIssue[]): string {
  return issues
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ')
    .slice(0, 2000);
}

/** The spec fails agentSpecSchema: 400 with every issue at its path inside the spec. */
export class InvalidAgentSpecError extends ContextError {
  constructor(issues: AgentFieldIssue[]) {
    super('context.invalid_spec', 'invalid_argument', `Invalid agent spec: ${summary(issues)}`, { details: { issues } });
  }
}

/** The body around the spec (name, description, expectedVersion) is malformed. */
export class InvalidAgentInputError extends ContextError {
  constructor(issues: AgentFieldIssue[]) {
    super('context.invalid_agent', 'invalid_argument', `Invalid agent: ${summary(issues)}`, { details: { issues } });
  }
}

/** A tool reference of the spec resolves to nothing in this tenant. */
export class UnknownAgentToolError extends ContextError {
  constructor(issues: AgentFieldIssue[]) {
    super('context.unknown_tool', 'invalid_argument', `Unknown tool: ${summary(issues)}`, { details: { issues } });
  }
}

/** The spec's model alias is not in the tenant's gateway catalog (or is not a chat model). */
export class UnknownAgentModelError extends ContextError {
  constructor(issues: AgentFieldIssue[]) {
    super('context.unknown_model', 'invalid_argument', `Unknown model: ${summary(issues)}`, { details: { issues } });
  }
}

/** The spec's default purpose is not an active purpose of the tenant. */
export class UnknownAgentPurposeError extends ContextError {
  constructor(issues: AgentFieldIssue[]) {
    super('context.unknown_purpose', 'invalid_argument', `Unknown purpose: ${summary(issues)}`, { details: { issues } });
  }
}

export class AgentNotFoundError extends ContextError {
  constructor(id: string) {
    super('context.agent_not_found', 'not_found', `No agent ${id.slice(0, 100)} in this tenant.`, { details: { id: id.slice(0, 100) } });
  }
}

export class AgentExistsError extends ContextError {
  constructor(name: string) {
    super('context.agent_exists', 'conflict', `An agent named ${name} already exists in this tenant.`, { details: { name } });
  }
}

export class AgentVersionConflictError extends ContextError {
  constructor(id: string, expectedVersion: number, actualVersion: number) {
    super('context.agent_version_conflict', 'conflict', `Agent ${id} is at version ${actualVersion}, not ${expectedVersion}; reload it and apply your edit again.`, {
      details: { expectedVersion, actualVersion },
    });
  }
}

/** Deleting an agent with queued, running or suspended runs is refused (cancel them first). */
export class AgentHasActiveRunsError extends ContextError {
  constructor(id: string, activeRuns: number) {
    super('context.agent_has_active_runs', 'conflict', `Agent ${id} has ${activeRuns} active run(s); cancel them before deleting it.`, {
      details: { activeRuns },
    });
  }
}
