import type { PropertyDefinition } from '../app/ontology-properties';
import { api } from './api-client';

export interface ObjectType {
  id: string;
  apiName: string;
  displayName: string;
  description: string;
  primaryKey: string;
  titleProperty: string;
  properties: PropertyDefinition[];
  schemaVersion: number;
  createdAt: string;
  updatedAt: string;
}

export const CARDINALITIES = ['one_to_one', 'one_to_many', 'many_to_many'] as const;
export type Cardinality = (typeof CARDINALITIES)[number];

export interface LinkType {
  id: string;
  apiName: string;
  displayName: string;
  description: string;
  fromTypeApiName: string;
  toTypeApiName: string;
  cardinality: Cardinality;
  properties: PropertyDefinition[];
  schemaVersion: number;
  createdAt: string;
  updatedAt: string;
}

export interface ObjectTypeInput {
  apiName: string;
  displayName: string;
  description: string;
  primaryKey: string;
  titleProperty?: string;
  properties: PropertyDefinition[];
}

/** What an edit may change: the api name and primary key are fixed; `properties` is the complete new list. */
export type ObjectTypeChanges = Partial<Pick<ObjectTypeInput, 'displayName' | 'description' | 'titleProperty' | 'properties'>>;

export interface LinkTypeInput {
  apiName: string;
  displayName: string;
  description: string;
  fromTypeApiName: string;
  toTypeApiName: string;
  cardinality: Cardinality;
  properties: PropertyDefinition[];
}

/** One thing a proposed change would do or break, explained. */
export interface ChangeFinding {
  /** `error`: the change itself is invalid; `breaking`: existing data contradicts it; `info`: what it will do. */
  severity: 'error' | 'breaking' | 'info';
  code: string;
  message: string;
  path?: string;
  affected?: { count: number; sampleIds?: string[]; sampleValues?: unknown[] };
}

export interface ChangeReport {
  index: number;
  kind: string;
  target: string;
  ok: boolean;
  findings: ChangeFinding[];
}

/** The answer of a validation (and what a refused change carries in `details.report`): nothing is applied. */
export interface SchemaValidationReport {
  valid: boolean;
  /** The schema version the changes were checked against. */
  baseVersion: number;
  changes: ChangeReport[];
}

/** One proposed change of the schema (`POST /ontology/schema/validate` takes a list of them). */
export type SchemaChangeRequest =
  | { kind: 'create_object_type'; objectType: ObjectTypeInput }
  | { kind: 'update_object_type'; apiName: string; update: ObjectTypeChanges }
  | { kind: 'delete_object_type'; apiName: string }
  | { kind: 'create_link_type'; linkType: LinkTypeInput }
  | { kind: 'update_link_type'; apiName: string; update: Partial<Omit<LinkTypeInput, 'apiName' | 'fromTypeApiName' | 'toTypeApiName'>> }
  | { kind: 'delete_link_type'; apiName: string };

export interface SchemaVersion {
  id: string;
  version: number;
  summary: string;
  /** The changes applied and their report. */
  changes: { changes?: unknown[]; report?: ChangeReport[] } | null;
  createdByType: string;
  createdById: string;
  createdAt: string;
}

const enc = encodeURIComponent;
const items = <T>(answer: T[] | { items: T[] }): T[] => (Array.isArray(answer) ? answer : answer.items);

export const ontologySchemaApi = {
  objectTypes: async () => items(await api.get<ObjectType[] | { items: ObjectType[] }>('/ontology/object-types')),
  objectType: (apiName: string) => api.get<ObjectType>(`/ontology/object-types/${enc(apiName)}`),
  createObjectType: (input: ObjectTypeInput) => api.post<ObjectType>('/ontology/object-types', input),
  updateObjectType: (apiName: string, changes: ObjectTypeChanges) => api.patch<ObjectType>(`/ontology/object-types/${enc(apiName)}`, changes),
  deleteObjectType: (apiName: string) => api.delete(`/ontology/object-types/${enc(apiName)}`),
  linkTypes: async () => items(await api.get<LinkType[] | { items: LinkType[] }>('/ontology/link-types')),
  createLinkType: (input: LinkTypeInput) => api.post<LinkType>('/ontology/link-types', input),
  updateLinkType: (apiName: string, changes: Partial<Omit<LinkTypeInput, 'apiName'>>) => api.patch<LinkType>(`/ontology/link-types/${enc(apiName)}`, changes),
  deleteLinkType: (apiName: string) => api.delete(`/ontology/link-types/${enc(apiName)}`),
  validate: (changes: SchemaChangeRequest[], summary?: string) => api.post<SchemaValidationReport>('/ontology/schema/validate', { changes, ...(summary ? { summary } : {}) }),
  versions: async () => items(await api.get<SchemaVersion[] | { items: SchemaVersion[] }>('/ontology/schema/versions')),
};
