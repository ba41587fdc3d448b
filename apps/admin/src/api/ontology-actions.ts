import { PROPERTY_TYPES, type PropertyType } from '../app/ontology-properties';
import { api, queryString, type FieldIssue, type Page } from './api-client';

/** Parameters are typed like properties, plus references to objects of a given type. */
export const PARAMETER_TYPES = [...PROPERTY_TYPES, 'object_reference'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

export interface ParameterDefinition {
  apiName: string;
  displayName?: string;
  description: string;
  type: ParameterType;
  required: boolean;
  /** enum (or an array of enum): the allowed values. */
  enumValues?: string[];
  /** array: the item type. */
  itemType?: PropertyType;
  /** object_reference: the type of the object. */
  objectType?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

export interface ActionType {
  id: string;
  apiName: string;
  displayName: string;
  description: string;
  parameters: ParameterDefinition[];
  criteria: unknown[];
  effects: Array<{ kind: string } & Record<string, unknown>>;
  approval: { approverRoles: string[]; approverUserIds: string[]; quorum: number; expiresInSeconds: number } | null;
  version: number;
  /** JSON Schema of the parameters (what agents see). */
  parametersSchema?: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** The body of a new action type: api name plus its definition (parameters, criteria, effects, approval). */
export type ActionTypeInput = Record<string, unknown> & { apiName: string };

/** One submission criterion's outcome, with what it expected and what it found. */
export interface CriterionResult {
  id: string;
  kind: string;
  description?: string;
  passed: boolean;
  expected: string;
  actual: unknown;
  children?: CriterionResult[];
}

/** The answer of "check": parameter errors per field and every criterion with pass/fail. */
export interface ActionValidation {
  valid: boolean;
  errors: FieldIssue[];
  criteria: CriterionResult[];
  /** The leaf criteria that failed: what to fix. */
  failures?: CriterionResult[];
  requiresApproval?: boolean;
}

/** 200 applied, or 202 waiting for the approval request named. */
export interface ApplyOutcome {
  status: 'applied' | 'awaiting_approval';
  action: ActionLogEntry;
  approvalId?: string;
}

/** One object or link change an applied action made. */
export interface ActionChange {
  kind: 'object' | 'link' | string;
  op: string;
  typeApiName?: string;
  linkTypeApiName?: string;
  id: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export const ACTION_STATUSES = ['awaiting_approval', 'applied', 'failed', 'rejected', 'expired', 'cancelled', 'reverted'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** An entry of the action log: the exact inputs and the resulting changes. */
export interface ActionLogEntry {
  id: string;
  actionType: { id: string; apiName: string; version: number };
  status: ActionStatus;
  parameters: Record<string, unknown>;
  changes: ActionChange[] | null;
  events: unknown;
  webhooks: unknown;
  criteria: CriterionResult[] | null;
  error: { code?: string; message?: string } | null;
  actor: { type: string; id: string; roles: string[] };
  onBehalfOf: { type: string; id: string } | null;
  purpose: string | null;
  approvalId: string | null;
  revertOfId: string | null;
  revertedById: string | null;
  createdAt: string;
  appliedAt: string | null;
  revertedAt: string | null;
}

const enc = encodeURIComponent;
const items = <T>(answer: T[] | { items: T[] }): T[] => (Array.isArray(answer) ? answer : answer.items);

export const ontologyActionsApi = {
  list: async () => items(await api.get<ActionType[] | { items: ActionType[] }>('/ontology/action-types?limit=200')),
  type: (id: string) => api.get<ActionType>(`/ontology/action-types/${enc(id)}`),
  create: (input: ActionTypeInput) => api.post<ActionType>('/ontology/action-types', input),
  /** `expectedVersion` in the changes: optimistic concurrency. */
  update: (id: string, changes: Record<string, unknown>) => api.patch<ActionType>(`/ontology/action-types/${enc(id)}`, changes),
  delete: (id: string) => api.delete(`/ontology/action-types/${enc(id)}`),
  /** 200 even when the submission fails: the report says what fails. */
  validate: (id: string, parameters: Record<string, unknown>) => api.post<ActionValidation>(`/ontology/action-types/${enc(id)}/validate`, { parameters }),
  /** 200 applied, 202 waiting for approval; a failing submission is an ApiError with the report in its details. */
  apply: (id: string, parameters: Record<string, unknown>) => api.post<ApplyOutcome>(`/ontology/action-types/${enc(id)}/apply`, { parameters }),
  get: (id: string) => api.get<ActionLogEntry>(`/ontology/actions/${enc(id)}`),
  log: (query: { actionTypeId?: string; status?: string; cursor?: string; limit?: number }) => api.get<Page<ActionLogEntry>>(`/ontology/actions${queryString({ limit: 50, ...query })}`),
  revert: (id: string) => api.post<ActionLogEntry>(`/ontology/actions/${enc(id)}/revert`, {}),
};
