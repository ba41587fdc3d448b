import { Injectable } from '@nestjs/common';
import type { Prisma } from '@strata/db';
import type { LinkTypeRecord, ObjectTypeRecord } from './property-definition';
import { UnknownLinkTypeError, UnknownObjectTypeError } from './schema.errors';
import { SchemaRepository } from './schema.repository';

/**
 * Object and link types as a writer's transaction sees them, read once per transaction (a bulk
 * import writes thousands of objects of one type). Writers lock the tenant's event head before
 * reading, and schema changes take the same lock, so a type cannot change under a transaction.
 */
@Injectable()
export class TypesInTransaction {
  private readonly objectTypes = new WeakMap<object, Map<string, ObjectTypeRecord>>();
  private readonly linkTypes = new WeakMap<object, Map<string, LinkTypeRecord>>();

  constructor(private readonly schema: SchemaRepository) {}

  async objectType(apiName: string, tx: Prisma.TransactionClient): Promise<ObjectTypeRecord> {
    let cache = this.objectTypes.get(tx);
    if (!cache) this.objectTypes.set(tx, (cache = new Map()));
    let type = cache.get(apiName);
    if (!type) {
      const found = await this.schema.objectType(apiName, tx);
      if (!found) throw new UnknownObjectTypeError(apiName);
      type = found;
      cache.set(apiName, type);
    }
    return type;
  }

  async linkType(apiName: string, tx: Prisma.TransactionClient): Promise<LinkTypeRecord> {
    let cache = this.linkTypes.get(tx);
    if (!cache) this.linkTypes.set(tx, (cache = new Map()));
    let type = cache.get(apiName);
    if (!type) {
      const found = await this.schema.linkType(apiName, tx);
      if (!found) throw new UnknownLinkTypeError(apiName);
      type = found;
      cache.set(apiName, type);
    }
    return type;
  }
}
