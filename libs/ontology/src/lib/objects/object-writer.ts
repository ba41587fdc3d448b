import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, newId, type Clock } from '@strata/kernel';
import type { Prisma } from '@strata/db';
import { currentActor, OntologyEvents } from '../events/ontology-events';
import { HistoryRepository } from '../history/history.repository';
import { LinkWriter } from '../links/link-writer';
import type { LinkRecord } from '../links/link-record';
import type { ObjectTypeRecord } from '../schema/property-definition';
import { missingRequired, validateProperties, type FieldError } from '../schema/property-validation';
import { ValidationFailedError } from '../schema/schema.errors';
import { TypesInTransaction } from '../schema/types-in-transaction';
import { canonicalJson, primaryKeyText, toObjectRecord, type ObjectRecord, type WriteOrigin, type WriteResult } from './object-record';
import { ObjectNotDeletedError, ObjectNotFoundError, VersionConflictError } from './objects.errors';
import { ObjectsRepository } from './objects.repository';

export interface CreateObjectInput {
  typeApiName: string;
  properties: Record<string, unknown>;
}

export interface UpdateObjectInput {
  /** When given, the object must be of this type. */
  typeApiName?: string;
  id: string;
  /** Property values to set; `null` removes a property. Others are kept. */
  patch: Record<string, unknown>;
  expectedVersion?: number;
}

export interface RestoreObjectInput {
  typeApiName?: string;
  id: string;
  /** The version the deletion left; anything else is a conflict (409). */
  expectedVersion?: number;
}

export interface DeleteObjectInput {
  typeApiName?: string;
  id: string;
  expectedVersion?: number;
}

/**
 * Creates, changes and (soft-)deletes objects inside the caller's transaction: validates against
 * the type, keeps the primary key and unique properties unique among live objects, checks the
 * expected version, writes history and appends the event. Callers authorize and audit.
 */
@Injectable()
export class ObjectWriter {
  constructor(
    private readonly objects: ObjectsRepository,
    private readonly types: TypesInTransaction,
    private readonly history: HistoryRepository,
    private readonly events: OntologyEvents,
    private readonly links: LinkWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(tx: Prisma.TransactionClient, input: CreateObjectInput, origin: WriteOrigin = {}): Promise<WriteResult<ObjectRecord>> {
    await this.events.lock(tx);
    const type = await this.types.objectType(input.typeApiName, tx);
    const { values, errors } = validateProperties(type.properties, input.properties, 'create');
    errors.push(...missingRequired(type.properties, values).filter((error) => !errors.some((other) => other.path === error.path)));
    if (!errors.length) errors.push(...(await this.uniquenessErrors(type, values, Object.keys(values), null, tx)));
    if (errors.length) throw new ValidationFailedError(errors, `The properties do not match type ${type.apiName}`);

    const actor = currentActor();
    const now = this.clock.now();
    const id = newId();
    const row = await this.objects.insert(
      {
        id,
        typeApiName: type.apiName,
        primaryKeyValue: primaryKeyText(values[type.primaryKey]),
        properties: values as Prisma.InputJsonValue,
        version: 1,
        createdAt: now,
        updatedAt: now,
        createdByType: actor.type,
        createdById: actor.id,
        updatedByType: actor.type,
        updatedById: actor.id,
      },
      tx,
    );
    await this.history.append(
      { objectId: id, typeApiName: type.apiName, version: 1, changeKind: 'created', before: null, after: values, changedProperties: Object.keys(values), ...origin, occurredAt: now },
      tx,
    );
    await this.events.append(tx, {
      type: 'object.created',
      objectTypeApiName: type.apiName,
      objectId: id,
      ...origin,
      payload: { version: 1, primaryKeyValue: row.primaryKeyValue, properties: values },
    });
    return { before: null, after: toObjectRecord(row, type) };
  }

  async update(tx: Prisma.TransactionClient, input: UpdateObjectInput, origin: WriteOrigin = {}): Promise<WriteResult<ObjectRecord>> {
    await this.events.lock(tx);
    const row = await this.objects.find(input.id, tx);
    if (!row || (input.typeApiName !== undefined && row.typeApiName !== input.typeApiName)) throw new ObjectNotFoundError(input.id);
    if (input.expectedVersion !== undefined && input.expectedVersion !== row.version) throw new VersionConflictError(row.id, input.expectedVersion, row.version);
    const type = await this.types.objectType(row.typeApiName, tx);
    const before = toObjectRecord(row, type);

    const { values: patch, errors } = validateProperties(type.properties, input.patch, 'patch');
    const merged: Record<string, unknown> = { ...before.properties };
    for (const [name, value] of Object.entries(patch)) {
      if (value === null) delete merged[name];
      else merged[name] = value;
    }
    const changed = Object.keys(patch).filter((name) => canonicalJson(before.properties[name] ?? null) !== canonicalJson(merged[name] ?? null));
    errors.push(...missingRequired(type.properties, merged).filter((error) => changed.includes(error.path.slice('properties.'.length))));
    if (!errors.length) errors.push(...(await this.uniquenessErrors(type, merged, changed, row.id, tx)));
    if (errors.length) throw new ValidationFailedError(errors, `The changes do not match type ${type.apiName}`);
    if (!changed.length) return { before, after: before };

    const actor = currentActor();
    const now = this.clock.now();
    const version = row.version + 1;
    const updated = await this.objects.update(
      row.id,
      {
        properties: merged as Prisma.InputJsonValue,
        primaryKeyValue: primaryKeyText(merged[type.primaryKey]),
        version,
        updatedAt: now,
        updatedByType: actor.type,
        updatedById: actor.id,
      },
      tx,
    );
    const beforeChanged = pick(before.properties, changed);
    const afterChanged = pick(merged, changed);
    await this.history.append(
      { objectId: row.id, typeApiName: type.apiName, version, changeKind: 'updated', before: before.properties, after: merged, changedProperties: changed, ...origin, occurredAt: now },
      tx,
    );
    await this.events.append(tx, {
      type: 'object.changed',
      objectTypeApiName: type.apiName,
      objectId: row.id,
      ...origin,
      payload: { version, changedProperties: changed, before: beforeChanged, after: afterChanged },
    });
    return { before, after: toObjectRecord(updated, type) };
  }

  /** Soft delete: the row stays with `deletedAt`; its live links are deleted with it. */
  async delete(tx: Prisma.TransactionClient, input: DeleteObjectInput, origin: WriteOrigin = {}): Promise<WriteResult<ObjectRecord>> {
    await this.events.lock(tx);
    const row = await this.objects.find(input.id, tx);
    if (!row || (input.typeApiName !== undefined && row.typeApiName !== input.typeApiName)) throw new ObjectNotFoundError(input.id);
    if (input.expectedVersion !== undefined && input.expectedVersion !== row.version) throw new VersionConflictError(row.id, input.expectedVersion, row.version);
    const type = await this.types.objectType(row.typeApiName, tx).catch(() => null);
    const before = toObjectRecord(row, type);
    const actor = currentActor();
    const now = this.clock.now();
    const version = row.version + 1;
    await this.links.deleteTouching(tx, row.id, origin, now);
    const deleted = await this.objects.update(row.id, { deletedAt: now, version, updatedAt: now, updatedByType: actor.type, updatedById: actor.id }, tx);
    await this.history.append(
      { objectId: row.id, typeApiName: row.typeApiName, version, changeKind: 'deleted', before: before.properties, after: null, changedProperties: [], ...origin, occurredAt: now },
      tx,
    );
    await this.events.append(tx, {
      type: 'object.deleted',
      objectTypeApiName: row.typeApiName,
      objectId: row.id,
      ...origin,
      payload: { version, primaryKeyValue: row.primaryKeyValue, properties: before.properties },
    });
    return { before, after: toObjectRecord(deleted, type) };
  }

  /**
   * Undoes a soft delete: the object is live again with the properties it had, as a new version
   * (history `restored`, event `object.restored`), and the links deleted together with it are
   * created again (new ids, `link.created` events, the link writer's checks) where the other end is
   * still live. The properties must still be valid for the type as it is now, and the primary key
   * and unique values not taken by another live object meanwhile (`ontology.validation_failed`).
   */
  async restore(tx: Prisma.TransactionClient, input: RestoreObjectInput, origin: WriteOrigin = {}): Promise<WriteResult<ObjectRecord> & { links: LinkRecord[] }> {
    await this.events.lock(tx);
    const row = await this.objects.find(input.id, tx, { includeDeleted: true });
    if (!row || (input.typeApiName !== undefined && row.typeApiName !== input.typeApiName)) throw new ObjectNotFoundError(input.id);
    if (!row.deletedAt) throw new ObjectNotDeletedError(row.id);
    if (input.expectedVersion !== undefined && input.expectedVersion !== row.version) throw new VersionConflictError(row.id, input.expectedVersion, row.version);
    const type = await this.types.objectType(row.typeApiName, tx);
    const before = toObjectRecord(row, type);
    const { values, errors } = validateProperties(type.properties, before.properties, 'create');
    errors.push(...missingRequired(type.properties, values).filter((error) => !errors.some((other) => other.path === error.path)));
    if (!errors.length) errors.push(...(await this.uniquenessErrors(type, values, Object.keys(values), row.id, tx)));
    if (errors.length) throw new ValidationFailedError(errors, `The deleted object no longer matches type ${type.apiName}`);

    const actor = currentActor();
    const now = this.clock.now();
    const version = row.version + 1;
    const deletedLinks = await this.links.deletedWith(tx, row.id, row.deletedAt);
    const restored = await this.objects.update(row.id, { deletedAt: null, version, updatedAt: now, updatedByType: actor.type, updatedById: actor.id }, tx);
    await this.history.append(
      { objectId: row.id, typeApiName: type.apiName, version, changeKind: 'restored', before: null, after: values, changedProperties: [], ...origin, occurredAt: now },
      tx,
    );
    await this.events.append(tx, {
      type: 'object.restored',
      objectTypeApiName: type.apiName,
      objectId: row.id,
      ...origin,
      payload: { version, primaryKeyValue: row.primaryKeyValue, properties: values },
    });
    const links: LinkRecord[] = [];
    const otherEnds = await this.objects.findMany(deletedLinks.map((link) => (link.fromObjectId === row.id ? link.toObjectId : link.fromObjectId)), tx);
    const live = new Set([row.id, ...otherEnds.map((other) => other.id)]);
    for (const link of deletedLinks) {
      if (!live.has(link.fromObjectId) || !live.has(link.toObjectId)) continue;
      const created = await this.links.create(
        tx,
        { linkTypeApiName: link.linkTypeApiName, fromId: link.fromObjectId, toId: link.toObjectId, properties: (link.properties ?? {}) as Record<string, unknown> },
        origin,
      );
      links.push(created.after as LinkRecord);
    }
    return { before, after: toObjectRecord(restored, type), links };
  }

  /** The primary key and `unique` properties among `names` must not equal another live object's. */
  private async uniquenessErrors(
    type: ObjectTypeRecord,
    values: Record<string, unknown>,
    names: string[],
    exceptId: string | null,
    tx: Prisma.TransactionClient,
  ): Promise<FieldError[]> {
    const errors: FieldError[] = [];
    for (const definition of type.properties) {
      const name = definition.apiName;
      const value = values[name];
      if (!names.includes(name) || value === undefined || value === null) continue;
      if (name === type.primaryKey) {
        const existing = await this.objects.findByPrimaryKey(type.apiName, primaryKeyText(value), tx);
        if (existing && existing.id !== exceptId) {
          errors.push({ path: `properties.${name}`, code: 'unique', message: `another ${type.apiName} (${existing.id}) has primary key ${primaryKeyText(value)}` });
        }
      } else if (definition.unique) {
        const existing = await this.objects.findByPropertyValue(type.apiName, name, value, exceptId, tx);
        if (existing) errors.push({ path: `properties.${name}`, code: 'unique', message: `another ${type.apiName} (${existing}) has this ${name}` });
      }
    }
    return errors;
  }
}

function pick(values: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, values[name] ?? null]));
}
