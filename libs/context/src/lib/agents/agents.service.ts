import { Inject, Injectable, Optional } from '@nestjs/common';
import { Prisma } from '@strata/db';
import { AuditLog, AuthorizationService, MutationRunner, pageOf, type Page } from '@strata/governance';
import { CLOCK, MissingRequestContextError, newId, RequestContextStore, type Clock } from '@strata/kernel';
import type { AgentSpec } from './agent-spec';
import { AGENT_ACTIVITY, type AgentActivityApi } from './agent-activity';
import { createAgentSchema, listAgentsQuerySchema, parseAgentInput, parseAgentSpec, updateAgentSchema } from './agent-input';
import { agentSubject, toAgentRecord, toAgentVersionRecord, type AgentRecord, type AgentVersionRecord } from './agent-record';
import { AgentReferenceChecker } from './agent-references';
import { AgentToolCheck } from './agent-tool-check';
import { AgentExistsError, AgentHasActiveRunsError, AgentNotFoundError, AgentVersionConflictError } from './agents.errors';
import { AgentsRepository } from './agents.repository';

/** The CASL subject of agents (builders create and edit; every built-in role reads). */
export const AGENT_SUBJECT = 'Agent';

/**
 * Agents: create, read, edit and delete (soft), each change a new version kept in
 * `context_agent_version` and audited. A spec is validated as a whole (agentSpecSchema, errors at
 * their paths) and what it names is checked against the tenant when it is saved: tools resolve,
 * model aliases are in the gateway catalog, the default purpose is active.
 */
@Injectable()
export class AgentsService {
  constructor(
    private readonly repository: AgentsRepository,
    private readonly references: AgentReferenceChecker,
    private readonly tools: AgentToolCheck,
    private readonly authorization: AuthorizationService,
    private readonly runner: MutationRunner,
    private readonly audit: AuditLog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(AGENT_ACTIVITY) private readonly activity?: AgentActivityApi,
  ) {}

  /** `?limit=&cursor=&q=` — only the agents the caller may read. */
  async list(raw: unknown): Promise<Page<AgentRecord>> {
    const query = parseAgentInput(listAgentsQuerySchema, raw);
    const access = (await this.authorization.accessibleWhere('read', AGENT_SUBJECT)) as Prisma.ContextAgentWhereInput;
    const rows = await this.repository.list(access, query.limit, query.cursor, query.q);
    return pageOf(rows.map(toAgentRecord), query.limit);
  }

  /** The live agent, for the current principal (404 if missing, deleted or in another tenant; 403 if not readable). */
  async get(id: string): Promise<AgentRecord> {
    const row = await this.repository.find(id);
    if (!row) throw new AgentNotFoundError(id);
    await this.authorization.authorize('read', AGENT_SUBJECT, agentSubject(row));
    return toAgentRecord(row);
  }

  /** One version of an agent as it was, also after the agent was deleted (runs and replay read it). */
  async getVersion(id: string, version: number): Promise<AgentVersionRecord> {
    const row = await this.repository.version(id, version);
    if (!row) throw new AgentNotFoundError(`${id}@${version}`);
    await this.authorization.authorize('read', AGENT_SUBJECT, { id, name: row.name, createdByType: row.changedByType, createdById: row.changedById });
    return toAgentVersionRecord(row);
  }

  async versions(id: string): Promise<AgentVersionRecord[]> {
    await this.get(id);
    return (await this.repository.versions(id)).map(toAgentVersionRecord);
  }

  async create(raw: unknown): Promise<AgentRecord> {
    const input = parseAgentInput(createAgentSchema, raw);
    const spec = parseAgentSpec(input.spec);
    const actor = requireActor();
    const id = newId();
    await this.authorization.authorize('create', AGENT_SUBJECT, { id, name: input.name, createdByType: actor.type, createdById: actor.id });
    await this.checkReferences(id, spec);
    const row = await this.runner.run('context.agent.create', async (tx) => {
      if (await this.repository.findByName(input.name, tx)) throw new AgentExistsError(input.name);
      const now = this.clock.now();
      const created = await this.repository
        .create(
          { id, name: input.name, description: input.description, version: 1, spec: stored(spec), createdByType: actor.type, createdById: actor.id, createdAt: now, updatedAt: now },
          tx,
        )
        .catch((error: unknown) => rethrowUnique(error, input.name));
      await this.addVersion(id, 1, 'created', input.name, input.description, spec, tx);
      await this.audit.append(
        { action: 'context.agent.create', outcome: 'success', target: { type: AGENT_SUBJECT, id }, details: { name: input.name, version: 1, model: spec.model.alias, tools: spec.tools.length } },
        tx,
      );
      return created;
    });
    return toAgentRecord(row);
  }

  /** Edits name, description and/or the whole spec; `expectedVersion` must be the current version (409 otherwise). */
  async update(id: string, raw: unknown, ifMatchVersion?: number): Promise<AgentRecord> {
    const patch = parseAgentInput(updateAgentSchema, raw);
    const expectedVersion = ifMatchVersion ?? patch.expectedVersion;
    const existing = await this.repository.find(id);
    if (!existing) throw new AgentNotFoundError(id);
    const fields = (['name', 'description', 'spec'] as const).filter((field) => patch[field] !== undefined);
    await this.authorization.authorize('update', AGENT_SUBJECT, agentSubject(existing), { fields: [...fields] });
    const spec = patch.spec === undefined ? undefined : parseAgentSpec(patch.spec);
    if (spec) await this.checkReferences(id, spec);
    const row = await this.runner.run('context.agent.update', async (tx) => {
      const locked = await this.repository.lock(id, tx);
      if (!locked) throw new AgentNotFoundError(id);
      if (expectedVersion === undefined || locked.version !== expectedVersion) throw new AgentVersionConflictError(id, expectedVersion ?? 0, locked.version);
      const name = patch.name ?? locked.name;
      if (name !== locked.name && (await this.repository.findByName(name, tx))) throw new AgentExistsError(name);
      const description = patch.description ?? locked.description;
      const nextSpec = spec ?? toAgentRecord(locked).spec;
      const version = locked.version + 1;
      const updated = await this.repository
        .update(id, { name, description, spec: stored(nextSpec), version, updatedAt: this.clock.now() }, tx)
        .catch((error: unknown) => rethrowUnique(error, name));
      await this.addVersion(id, version, 'updated', name, description, nextSpec, tx);
      await this.audit.append({ action: 'context.agent.update', outcome: 'success', target: { type: AGENT_SUBJECT, id }, details: { name, version, changed: fields } }, tx);
      return updated;
    });
    return toAgentRecord(row);
  }

  /**
   * Soft delete. Refused (409 `context.agent_has_active_runs`) while a run of the agent is queued,
   * running or suspended: cancelling work someone started is their call, not a side effect of a delete.
   */
  async remove(id: string): Promise<void> {
    const existing = await this.repository.find(id);
    if (!existing) throw new AgentNotFoundError(id);
    await this.authorization.authorize('delete', AGENT_SUBJECT, agentSubject(existing));
    await this.runner.run('context.agent.delete', async (tx) => {
      const locked = await this.repository.lock(id, tx);
      if (!locked) throw new AgentNotFoundError(id);
      const active = this.activity ? await this.activity.activeRunCount(id, tx) : 0;
      if (active > 0) throw new AgentHasActiveRunsError(id, active);
      const version = locked.version + 1;
      await this.repository.update(id, { deletedAt: this.clock.now(), version }, tx);
      await this.addVersion(id, version, 'deleted', locked.name, locked.description, toAgentRecord(locked).spec, tx);
      await this.audit.append({ action: 'context.agent.delete', outcome: 'success', target: { type: AGENT_SUBJECT, id }, details: { name: locked.name, version } }, tx);
    });
  }

  /** Validates a spec and its references without saving (the editor's "check" button). */
  async validate(raw: unknown, agentId?: string): Promise<{ valid: true; spec: AgentSpec }> {
    const spec = parseAgentSpec(raw);
    await this.checkReferences(agentId ?? newId(), spec);
    return { valid: true, spec };
  }

  private async checkReferences(agentId: string, spec: AgentSpec): Promise<void> {
    await this.references.checkModels(spec);
    await this.references.checkPurpose(spec);
    await this.tools.check(agentId, spec);
  }

  private async addVersion(agentId: string, version: number, change: string, name: string, description: string, spec: AgentSpec, tx: Prisma.TransactionClient): Promise<void> {
    const actor = requireActor();
    await this.repository.addVersion(
      { id: newId(), agentId, version, name, description, spec: stored(spec), change, changedByType: actor.type, changedById: actor.id, createdAt: this.clock.now() },
      tx,
    );
  }
}

function stored(spec: AgentSpec): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(spec)) as Prisma.InputJsonValue;
}

function rethrowUnique(error: unknown, name: string): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw new AgentExistsError(name);
  throw error;
}

function requireActor(): { type: string; id: string } {
  const actor = RequestContextStore.require().actor;
  if (!actor) throw new MissingRequestContextError('an authenticated principal');
  return actor;
}
