import { api, queryString, type Page } from './api-client';

/** A tool reference of a spec (libs/context agent-spec.ts `toolReferenceSchema`), loosely typed: the API validates. */
export type ToolReference = { kind: 'builtin' | 'ontology_action' | 'vector_search' | 'http' | 'extension'; name?: string; description?: string } & Record<string, unknown>;

/** An agent spec as the API returns it (defaults filled in). The JSON editor edits the whole of it. */
export interface AgentSpec {
  instructions: string;
  model: { alias: string; temperature?: number; topP?: number; maxOutputTokens?: number };
  tools: ToolReference[];
  context: { sources: Array<{ kind: string; maxTokens?: number } & Record<string, unknown>>; maxTokens: number };
  memory: Record<string, unknown>;
  limits: { maxSteps: number; maxTokens: number; maxWallTimeMs: number; maxCostUsd?: number };
  defaultPurpose: string;
  busyPolicy: 'queue' | 'interrupt';
}

export interface Agent {
  id: string;
  name: string;
  description: string;
  /** Grows with every edit; an edit names the version it read (409 when someone saved in between). */
  version: number;
  spec: AgentSpec;
  createdAt: string;
  updatedAt: string;
  createdBy: { type: string; id: string };
}

export interface AgentVersion {
  agentId: string;
  version: number;
  name: string;
  description: string;
  spec: AgentSpec;
  change: 'created' | 'updated' | 'deleted' | string;
  changedBy: { type: string; id: string };
  createdAt: string;
}

export interface AgentInput {
  name: string;
  description?: string;
  spec: unknown;
}

export const agentsApi = {
  list: (query: { q?: string; cursor?: string; limit?: number } = {}) => api.get<Page<Agent>>(`/context/agents${queryString({ limit: 50, ...query })}`),
  get: (id: string) => api.get<Agent>(`/context/agents/${encodeURIComponent(id)}`),
  create: (input: AgentInput) => api.post<Agent>('/context/agents', input),
  update: (id: string, expectedVersion: number, patch: Partial<AgentInput>) => api.patch<Agent>(`/context/agents/${encodeURIComponent(id)}`, { ...patch, expectedVersion }),
  remove: (id: string) => api.delete(`/context/agents/${encodeURIComponent(id)}`),
  versions: (id: string) => api.get<AgentVersion[]>(`/context/agents/${encodeURIComponent(id)}/versions`),
  /** Checks a spec and what it names (models, purpose, tools) without saving. */
  validate: (spec: unknown, agentId?: string) => api.post<{ valid: true; spec: AgentSpec }>('/context/agents/validate', { spec, ...(agentId ? { agentId } : {}) }),
  specSchema: () => api.get<Record<string, unknown>>('/context/agents/spec-schema'),
};
