import { Injectable } from '@nestjs/common';
import type { Prisma } from '@strata/db';
import { AuditLog, AuthorizationService, MutationRunner } from '@strata/governance';
import { DataAccessLog } from '@strata/observability';
import { HistoryRepository, type HistoryEntryView } from '../history/history.repository';
import { toLinkRecord, type LinkRecord } from '../links/link-record';
import { LinksRepository } from '../links/links.repository';
import type { ObjectTypeRecord } from '../schema/property-definition';
import { checkPropertyValue, type FieldError } from '../schema/property-validation';
import { UnknownObjectTypeError, ValidationFailedError } from '../schema/schema.errors';
import { SchemaRepository } from '../schema/schema.repository';
import { toObjectRecord, type ObjectRecord, type ObjectRow } from './object-record';
import { ObjectWriter } from './object-writer';
import { ObjectNotFoundError } from './objects.errors';
import { ObjectsRepository } from './objects.repository';

export interface ObjectListQuery {
  type?: string;
  /** Equality filters on property values (requires `type`). */
  where?: Record<string, unknown>;
  limit: number;
  cursor?: string;
}

export interface NeighbourLink extends LinkRecord {
  direction: 'outgoing' | 'incoming';
  other: { id: string; typeApiName: string; title: string };
}

export interface Neighbourhood {
  object: ObjectRecord;
  links: NeighbourLink[];
  /** True when the object has more links than `limit`. */
  truncated: boolean;
}

/** Equality filters one list request may combine. */
const MAX_FILTERS = 20;

/** Objects through the API: every read tenant-scoped, filtered by abilities and logged as a data access; every change authorized and audited. */
@Injectable()
export class ObjectsService {
  constructor(
    private readonly objects: ObjectsRepository,
    private readonly links: LinksRepository,
    private readonly schema: SchemaRepository,
    private readonly history: HistoryRepository,
    private readonly writer: ObjectWriter,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
    private readonly dataAccess: DataAccessLog,
  ) {}

  async list(query: ObjectListQuery): Promise<{ items: ObjectRecord[]; nextCursor: string | null }> {
    const filters: Prisma.OntologyObjectWhereInput[] = [await this.readable()];
    const types = await this.typesByName();
    if (query.type) {
      const type = types.get(query.type);
      if (!type) throw new UnknownObjectTypeError(query.type);
      filters.push({ typeApiName: type.apiName });
      filters.push(...propertyFilters(type, query.where ?? {}));
    } else if (query.where && Object.keys(query.where).length) {
      throw new ValidationFailedError([{ path: 'where', code: 'invalid_value', message: 'property filters need a type' }], 'Invalid filter');
    }
    const rows = await this.objects.list({ AND: filters }, query.limit, query.cursor);
    await this.logRead(rows.map((row) => row.id));
    return { items: rows.map((row) => toObjectRecord(row, types.get(row.typeApiName))), nextCursor: rows.length === query.limit ? (rows.at(-1)?.id ?? null) : null };
  }

  async get(id: string, options: { includeDeleted?: boolean } = {}): Promise<ObjectRecord> {
    const row = await this.readableRow(id, options.includeDeleted ?? false);
    await this.logRead([row.id]);
    return toObjectRecord(row, await this.schema.objectType(row.typeApiName));
  }

  async create(input: { typeApiName: string; properties: Record<string, unknown> }): Promise<ObjectRecord> {
    await this.authorization.authorize('create', 'OntologyObject', { typeApiName: input.typeApiName });
    return this.mutations.run('ontology.object.create', async (tx) => {
      const { after } = await this.writer.create(tx, input);
      const created = after as ObjectRecord;
      await this.audit.append(
        { action: 'ontology.object.create', outcome: 'success', target: { type: 'OntologyObject', id: created.id }, details: { typeApiName: created.typeApiName, primaryKeyValue: created.primaryKeyValue } },
        tx,
      );
      return created;
    });
  }

  async update(id: string, patch: Record<string, unknown>, expectedVersion?: number): Promise<ObjectRecord> {
    const row = await this.readableRow(id, false);
    await this.authorization.authorize('update', 'OntologyObject', authorizationRecord(row));
    return this.mutations.run('ontology.object.update', async (tx) => {
      const { before, after } = await this.writer.update(tx, { id, patch, expectedVersion, typeApiName: row.typeApiName });
      const updated = after as ObjectRecord;
      if (updated.version !== before?.version) {
        await this.audit.append(
          {
            action: 'ontology.object.update',
            outcome: 'success',
            target: { type: 'OntologyObject', id },
            details: { typeApiName: updated.typeApiName, version: updated.version, changed: Object.keys(patch).slice(0, 200) },
          },
          tx,
        );
      }
      return updated;
    });
  }

  async delete(id: string, expectedVersion?: number): Promise<void> {
    const row = await this.readableRow(id, false);
    await this.authorization.authorize('delete', 'OntologyObject', authorizationRecord(row));
    await this.mutations.run('ontology.object.delete', async (tx) => {
      const { after } = await this.writer.delete(tx, { id, expectedVersion, typeApiName: row.typeApiName });
      await this.audit.append(
        { action: 'ontology.object.delete', outcome: 'success', target: { type: 'OntologyObject', id }, details: { typeApiName: row.typeApiName, version: after?.version ?? null } },
        tx,
      );
    });
  }

  /** Every change of the object, newest first (also for a deleted object). */
  async historyOf(id: string, limit: number, beforeVersion?: number): Promise<{ items: HistoryEntryView[]; nextBeforeVersion: number | null }> {
    const row = await this.readableRow(id, true);
    const items = await this.history.forObject(row.id, limit, beforeVersion);
    await this.logRead([row.id]);
    return { items, nextBeforeVersion: items.length === limit ? (items.at(-1)?.version ?? null) : null };
  }

  /** The object's live links (both directions) with the linked objects' titles, for the graph view. */
  async neighbourhood(id: string, limit: number): Promise<Neighbourhood> {
    const row = await this.readableRow(id, false);
    const types = await this.typesByName();
    const linkRows = await this.links.touching(row.id, (await this.authorization.accessibleWhere('read', 'OntologyLink')) as Prisma.OntologyLinkWhereInput, limit + 1);
    const truncated = linkRows.length > limit;
    const shown = linkRows.slice(0, limit);
    const otherIds = [...new Set(shown.map((link) => (link.fromObjectId === row.id ? link.toObjectId : link.fromObjectId)))];
    const others = new Map((await this.objects.findMany(otherIds, undefined, await this.readable())).map((other) => [other.id, other]));
    // A link to an object the caller may not read is left out: showing it would reveal that object.
    const links: NeighbourLink[] = shown.flatMap((link) => {
      const outgoing = link.fromObjectId === row.id;
      const other = others.get(outgoing ? link.toObjectId : link.fromObjectId);
      if (!other) return [];
      return [
        {
          ...toLinkRecord(link),
          direction: outgoing ? ('outgoing' as const) : ('incoming' as const),
          other: { id: other.id, typeApiName: other.typeApiName, title: toObjectRecord(other, types.get(other.typeApiName)).title },
        },
      ];
    });
    await this.logRead([row.id, ...others.keys()]);
    return { object: toObjectRecord(row, types.get(row.typeApiName)), links, truncated };
  }

  /** A live (or, with `includeDeleted`, any) object the caller may read; otherwise 404 (never 403, which would confirm it exists). */
  async readableRow(id: string, includeDeleted: boolean): Promise<ObjectRow> {
    const row = await this.objects.find(id, undefined, { includeDeleted, where: await this.readable() });
    if (!row) throw new ObjectNotFoundError(id);
    return row;
  }

  private async readable(): Promise<Prisma.OntologyObjectWhereInput> {
    return (await this.authorization.accessibleWhere('read', 'OntologyObject')) as Prisma.OntologyObjectWhereInput;
  }

  private async typesByName(): Promise<Map<string, ObjectTypeRecord>> {
    return new Map((await this.schema.objectTypes()).map((type) => [type.apiName, type]));
  }

  private async logRead(ids: string[]): Promise<void> {
    if (ids.length) await this.dataAccess.record({ resourceType: 'OntologyObject', resourceIds: ids });
  }
}

/** What rules may condition on: the object's columns (not its properties). */
export function authorizationRecord(row: ObjectRow): Record<string, unknown> {
  return {
    id: row.id,
    typeApiName: row.typeApiName,
    primaryKeyValue: row.primaryKeyValue,
    version: row.version,
    createdByType: row.createdByType,
    createdById: row.createdById,
    updatedById: row.updatedById,
  };
}

function propertyFilters(type: ObjectTypeRecord, where: Record<string, unknown>): Prisma.OntologyObjectWhereInput[] {
  const entries = Object.entries(where);
  const errors: FieldError[] = [];
  if (entries.length > MAX_FILTERS) errors.push({ path: 'where', code: 'too_large', message: `at most ${MAX_FILTERS} filters` });
  const filters: Prisma.OntologyObjectWhereInput[] = [];
  for (const [name, value] of entries) {
    const definition = type.properties.find((property) => property.apiName === name);
    if (!definition) {
      errors.push({ path: `where.${name}`, code: 'unknown_property', message: `${type.apiName} has no property ${name}` });
      continue;
    }
    const checked = checkPropertyValue(definition, value);
    if (!checked.ok) errors.push({ path: `where.${name}`, code: checked.code, message: checked.message });
    else filters.push({ properties: { path: [name], equals: checked.value as Prisma.InputJsonValue } });
  }
  if (errors.length) throw new ValidationFailedError(errors, 'Invalid filter');
  return filters;
}
