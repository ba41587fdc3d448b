import type { ContextAgentModel, ContextAgentVersionModel } from '@strata/db';
import { agentSpecSchema, type AgentSpec } from './agent-spec';

/** An agent as services and the API see it: the current spec, parsed (defaults filled in). */
export interface AgentRecord {
  id: string;
  name: string;
  description: string;
  /** Grows by one with every edit; PATCH names the version it read (If-Match or expectedVersion). */
  version: number;
  spec: AgentSpec;
  createdAt: Date;
  updatedAt: Date;
  createdBy: { type: string; id: string };
}

/** One stored version of an agent (what a run executed under). */
export interface AgentVersionRecord {
  agentId: string;
  version: number;
  name: string;
  description: string;
  spec: AgentSpec;
  change: string;
  changedBy: { type: string; id: string };
  createdAt: Date;
}

/**
 * Stored specs were valid when saved; parsing again fills defaults added to the schema since.
 * A spec that no longer parses (a bound tightened later) is returned as stored rather than hidden.
 */
export function storedSpec(value: unknown): AgentSpec {
  const parsed = agentSpecSchema.safeParse(value);
  return parsed.success ? parsed.data : (value as AgentSpec);
}

export function toAgentRecord(row: ContextAgentModel): AgentRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    version: row.version,
    spec: storedSpec(row.spec),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    createdBy: { type: row.createdByType, id: row.createdById },
  };
}

export function toAgentVersionRecord(row: ContextAgentVersionModel): AgentVersionRecord {
  return {
    agentId: row.agentId,
    version: row.version,
    name: row.name,
    description: row.description,
    spec: storedSpec(row.spec),
    change: row.change,
    changedBy: { type: row.changedByType, id: row.changedById },
    createdAt: row.createdAt,
  };
}

/** The fields CASL rules may name (conditions such as `{ createdById: '${actor.id}' }`). */
export function agentSubject(row: Pick<ContextAgentModel, 'id' | 'name' | 'createdByType' | 'createdById'>): Record<string, unknown> {
  return { id: row.id, name: row.name, createdByType: row.createdByType, createdById: row.createdById };
}
