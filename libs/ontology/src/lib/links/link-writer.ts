import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, isUuid, newId, type Clock } from '@strata/kernel';
import type { Prisma } from '@strata/db';
import { currentActor, OntologyEvents } from '../events/ontology-events';
import type { WriteOrigin, WriteResult } from '../objects/object-record';
import { ObjectsRepository } from '../objects/objects.repository';
import { missingRequired, validateProperties, type FieldError } from '../schema/property-validation';
import { ValidationFailedError } from '../schema/schema.errors';
import { TypesInTransaction } from '../schema/types-in-transaction';
import { toLinkRecord, type LinkRecord, type LinkRow } from './link-record';
import { CardinalityViolatedError, LinkEndpointInvalidError, LinkExistsError, LinkNotFoundError, TooManyLinksError } from './links.errors';
import { LinksRepository } from './links.repository';

export interface CreateLinkInput {
  linkTypeApiName: string;
  fromId: string;
  toId: string;
  properties?: Record<string, unknown>;
}

export interface DeleteLinkInput {
  id: string;
  /** When given, the link must be of this type. */
  linkTypeApiName?: string;
}

/** Links beyond this many on one object are not deleted with it in one go (the delete is refused). */
export const LINKS_DELETED_WITH_OBJECT_LIMIT = 10_000;

/**
 * Creates and (soft-)deletes links inside the caller's transaction: both ends must be live objects
 * of the link type's end types, the cardinality holds, one live link per (type, from, to), then the
 * event. Callers authorize and audit.
 */
@Injectable()
export class LinkWriter {
  constructor(
    private readonly links: LinksRepository,
    private readonly objects: ObjectsRepository,
    private readonly types: TypesInTransaction,
    private readonly events: OntologyEvents,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(tx: Prisma.TransactionClient, input: CreateLinkInput, origin: WriteOrigin = {}): Promise<WriteResult<LinkRecord>> {
    await this.events.lock(tx);
    const type = await this.types.linkType(input.linkTypeApiName, tx);
    const { values, errors } = validateProperties(type.properties, input.properties ?? {}, 'create');
    errors.push(...missingRequired(type.properties, values).filter((error) => !errors.some((other) => other.path === error.path)));
    if (errors.length) throw new ValidationFailedError(errors, `The properties do not match link type ${type.apiName}`);

    const endpointErrors: FieldError[] = [];
    for (const [path, id, expectedType] of [
      ['fromId', input.fromId, type.fromTypeApiName],
      ['toId', input.toId, type.toTypeApiName],
    ] as const) {
      const object = isUuid(id) ? await this.objects.find(id, tx) : null;
      if (!object) endpointErrors.push({ path, code: 'invalid_value', message: `no live object with id ${String(id).slice(0, 64)}` });
      else if (object.typeApiName !== expectedType) {
        endpointErrors.push({ path, code: 'type_mismatch', message: `object ${id} is a ${object.typeApiName}; ${type.apiName} links ${type.fromTypeApiName} to ${type.toTypeApiName}` });
      }
    }
    if (endpointErrors.length) throw new LinkEndpointInvalidError(endpointErrors);

    const [existing] = await this.links.findLive({ linkTypeApiName: type.apiName, fromObjectId: input.fromId, toObjectId: input.toId }, tx);
    if (existing) throw new LinkExistsError(type.apiName, input.fromId, input.toId, existing.id);
    if (type.cardinality !== 'many_to_many') {
      const [toTaken] = await this.links.findLive({ linkTypeApiName: type.apiName, toObjectId: input.toId }, tx);
      if (toTaken) {
        throw new CardinalityViolatedError(type.apiName, `object ${input.toId} already has a link from ${toTaken.fromObjectId} (${type.cardinality})`, {
          objectId: input.toId,
          existingLinkId: toTaken.id,
        });
      }
    }
    if (type.cardinality === 'one_to_one') {
      const [fromTaken] = await this.links.findLive({ linkTypeApiName: type.apiName, fromObjectId: input.fromId }, tx);
      if (fromTaken) {
        throw new CardinalityViolatedError(type.apiName, `object ${input.fromId} already links to ${fromTaken.toObjectId} (one_to_one)`, {
          objectId: input.fromId,
          existingLinkId: fromTaken.id,
        });
      }
    }

    const actor = currentActor();
    const row = await this.links.insert(
      {
        id: newId(),
        linkTypeApiName: type.apiName,
        fromObjectId: input.fromId,
        toObjectId: input.toId,
        properties: values as Prisma.InputJsonValue,
        createdAt: this.clock.now(),
        createdByType: actor.type,
        createdById: actor.id,
      },
      tx,
    );
    await this.events.append(tx, {
      type: 'link.created',
      linkTypeApiName: type.apiName,
      linkId: row.id,
      ...origin,
      payload: { fromObjectId: row.fromObjectId, toObjectId: row.toObjectId, properties: values },
    });
    return { before: null, after: toLinkRecord(row) };
  }

  async delete(tx: Prisma.TransactionClient, input: DeleteLinkInput, origin: WriteOrigin = {}): Promise<WriteResult<LinkRecord>> {
    await this.events.lock(tx);
    const row = isUuid(input.id) ? await this.links.find(input.id, tx) : null;
    if (!row || (input.linkTypeApiName !== undefined && row.linkTypeApiName !== input.linkTypeApiName)) throw new LinkNotFoundError(input.id);
    return this.markDeleted(tx, row, origin);
  }

  /**
   * Deletes every live link of an object being deleted (each with its event). `at` is the object's
   * deletion time: the links carry the same `deletedAt`, which is how a restore finds them.
   */
  async deleteTouching(tx: Prisma.TransactionClient, objectId: string, origin: WriteOrigin = {}, at?: Date): Promise<LinkRecord[]> {
    await this.events.lock(tx);
    const rows = await this.links.findLive({ OR: [{ fromObjectId: objectId }, { toObjectId: objectId }] }, tx, LINKS_DELETED_WITH_OBJECT_LIMIT + 1);
    if (rows.length > LINKS_DELETED_WITH_OBJECT_LIMIT) {
      throw new TooManyLinksError(objectId, LINKS_DELETED_WITH_OBJECT_LIMIT);
    }
    const deleted: LinkRecord[] = [];
    for (const row of rows) deleted.push((await this.markDeleted(tx, row, origin, at)).after as LinkRecord);
    return deleted;
  }

  /** Links of `objectId` deleted together with it at `deletedAt` (see {@link deleteTouching}). */
  deletedWith(tx: Prisma.TransactionClient, objectId: string, deletedAt: Date): Promise<LinkRow[]> {
    return this.links.deletedAt({ OR: [{ fromObjectId: objectId }, { toObjectId: objectId }] }, deletedAt, tx, LINKS_DELETED_WITH_OBJECT_LIMIT);
  }

  private async markDeleted(tx: Prisma.TransactionClient, row: LinkRow, origin: WriteOrigin, at?: Date): Promise<WriteResult<LinkRecord>> {
    const updated = await this.links.markDeleted(row.id, currentActor(), at ?? this.clock.now(), tx);
    await this.events.append(tx, {
      type: 'link.deleted',
      linkTypeApiName: row.linkTypeApiName,
      linkId: row.id,
      ...origin,
      payload: { fromObjectId: row.fromObjectId, toObjectId: row.toObjectId, properties: row.properties },
    });
    return { before: toLinkRecord(row), after: toLinkRecord(updated) };
  }
}
