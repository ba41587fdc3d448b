import { api, queryString, type Page } from './api-client';

export interface OntologyObject {
  id: string;
  typeApiName: string;
  primaryKeyValue: string;
  /** The object's title (its title property's value, else the primary key value). */
  title?: string;
  properties: Record<string, unknown>;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt?: string | null;
}

export interface OntologyLink {
  id: string;
  linkTypeApiName: string;
  fromObjectId: string;
  toObjectId: string;
  properties: Record<string, unknown>;
  createdAt: string;
}

export interface Actor {
  type: string;
  id: string;
}

/** One change of one object: who changed what, when, and through which action. */
export interface ObjectHistoryEntry {
  id: string;
  version: number;
  changeKind: 'created' | 'updated' | 'deleted' | string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  changedProperties: string[];
  actor: Actor;
  onBehalfOf?: Actor | null;
  actionId: string | null;
  actionTypeApiName: string | null;
  requestId?: string | null;
  occurredAt: string;
}

/** A live link of an object, with the object at its other end (null when the caller may not read it). */
export interface NeighbourLink extends OntologyLink {
  direction: 'outgoing' | 'incoming';
  other: { id: string; typeApiName: string; title: string } | null;
}

/** An object's direct links (both directions). */
export interface Neighbourhood {
  object: OntologyObject;
  links: NeighbourLink[];
  /** The object has more links than were returned. */
  truncated: boolean;
}

export interface HistoryPage {
  items: ObjectHistoryEntry[];
  nextBeforeVersion: number | null;
}

/** The API's comparison operators. */
export const FILTER_OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'startsWith', 'isNull'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export type ObjectFilter = { and: ObjectFilter[] } | { or: ObjectFilter[] } | { not: ObjectFilter } | { property: string; op: FilterOperator; value?: unknown };

export interface ObjectQuery {
  objectType: string;
  filter?: ObjectFilter;
  /** Property names or `$createdAt`, `$updatedAt`, `$primaryKey`, `$version`. */
  sort?: Array<{ property: string; direction: 'asc' | 'desc' }>;
  limit?: number;
  /** Keyset paging (unsorted only) … */
  cursor?: string;
  /** … or offset paging. */
  offset?: number;
}

export interface ObjectQueryPage {
  items: OntologyObject[];
  /** Keyset paging (unsorted queries without offset). */
  nextCursor: string | null;
  /** Offset paging (sorted queries, or any query with an offset). */
  nextOffset: number | null;
}

const enc = encodeURIComponent;

export const ontologyObjectsApi = {
  query: (query: ObjectQuery) => api.post<ObjectQueryPage>('/ontology/query', query),
  search: (text: string, objectType?: string, limit = 20) => api.get<{ items: OntologyObject[] }>(`/ontology/search${queryString({ q: text, type: objectType, limit })}`),
  get: (id: string) => api.get<OntologyObject>(`/ontology/objects/${enc(id)}`),
  create: (typeApiName: string, properties: Record<string, unknown>) => api.post<OntologyObject>('/ontology/objects', { typeApiName, properties }),
  update: (id: string, properties: Record<string, unknown>, expectedVersion: number) =>
    api.patch<OntologyObject>(`/ontology/objects/${enc(id)}`, { properties, expectedVersion }),
  delete: (id: string) => api.delete(`/ontology/objects/${enc(id)}`),
  /** Newest first; pass the last page's `nextBeforeVersion` back as `beforeVersion`. */
  history: async (id: string, beforeVersion?: string): Promise<Page<ObjectHistoryEntry>> => {
    const page = await api.get<HistoryPage>(`/ontology/objects/${enc(id)}/history${queryString({ beforeVersion, limit: 50 })}`);
    return { items: page.items, nextCursor: page.nextBeforeVersion === null ? null : String(page.nextBeforeVersion) };
  },
  neighbourhood: (id: string, limit = 100) => api.get<Neighbourhood>(`/ontology/objects/${enc(id)}/links${queryString({ limit })}`),
  createLink: (linkTypeApiName: string, fromId: string, toId: string) => api.post<OntologyLink>('/ontology/links', { linkTypeApiName, fromId, toId }),
  deleteLink: (id: string) => api.delete(`/ontology/links/${enc(id)}`),
};

/** One refused row of an import: its number (1-based, CSV header not counted) and every failing field. */
export interface ImportRowError {
  row: number;
  line?: number;
  primaryKeyValue?: string;
  errors: Array<{ path: string; message: string; code?: string }>;
}

export interface ImportReport {
  dryRun: boolean;
  committed: boolean;
  typeApiName: string;
  mode: 'create' | 'upsert';
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: ImportRowError[];
  errorsTruncated: boolean;
}

export interface ImportRequest {
  typeApiName: string;
  mode: 'create' | 'upsert';
  format: 'json' | 'csv';
  rows?: Array<Record<string, unknown>>;
  csv?: string;
}

/** Bulk import, all or nothing; a dry run validates every row and writes nothing. A refused import (409) carries its report. */
export const ontologyImportApi = {
  run: (request: ImportRequest, dryRun: boolean) => api.post<ImportReport>(`/ontology/import${queryString({ dryRun })}`, request),
};
