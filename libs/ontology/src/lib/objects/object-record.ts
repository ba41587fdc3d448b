import type { Prisma } from '@strata/db';
import type { ObjectTypeRecord } from '../schema/property-definition';

/** An object as writers return it and GET /ontology/objects/:id answers it. */
export interface ObjectRecord {
  id: string;
  typeApiName: string;
  primaryKeyValue: string;
  /** The title property's value (or the primary key value): what lists and the graph view show. */
  title: string;
  properties: Record<string, unknown>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  createdBy: { type: string; id: string };
  updatedBy: { type: string; id: string };
}

/** Where a write comes from: an action (its id and type) or, without one, a direct API call. */
export interface WriteOrigin {
  actionId?: string;
  actionTypeApiName?: string;
}

export interface WriteResult<T> {
  before: T | null;
  after: T | null;
}

export type ObjectRow = Prisma.OntologyObjectGetPayload<object>;

export function toObjectRecord(row: ObjectRow, type?: Pick<ObjectTypeRecord, 'titleProperty'> | null): ObjectRecord {
  const properties = (row.properties ?? {}) as Record<string, unknown>;
  const titleValue = type ? properties[type.titleProperty] : undefined;
  return {
    id: row.id,
    typeApiName: row.typeApiName,
    primaryKeyValue: row.primaryKeyValue,
    title: titleValue === undefined || titleValue === null ? row.primaryKeyValue : typeof titleValue === 'string' ? titleValue : JSON.stringify(titleValue),
    properties,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deletedAt: row.deletedAt,
    createdBy: { type: row.createdByType, id: row.createdById },
    updatedBy: { type: row.updatedByType, id: row.updatedById },
  };
}

/** The primary key as text (the column is text for every key type). */
export function primaryKeyText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** JSON with object keys sorted, to compare values regardless of jsonb's key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) =>
    member && typeof member === 'object' && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : member,
  );
}
