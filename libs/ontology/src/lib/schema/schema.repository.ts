import { Injectable } from '@nestjs/common';
import { newId, RequestContextStore } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';
import type {
  LinkCardinality,
  LinkTypeDefinition,
  LinkTypeRecord,
  ObjectTypeDefinition,
  ObjectTypeRecord,
  PropertyDefinition,
  SchemaSnapshot,
} from './property-definition';

type Db = Prisma.TransactionClient | PrismaService;

type ObjectTypeRow = Prisma.OntologyObjectTypeGetPayload<object>;
type LinkTypeRow = Prisma.OntologyLinkTypeGetPayload<object>;

/** The only code that touches `ontology_object_type`, `ontology_link_type` and `ontology_schema_version`. */
@Injectable()
export class SchemaRepository {
  constructor(private readonly prisma: PrismaService) {}

  async objectTypes(db: Db = this.prisma, where: Prisma.OntologyObjectTypeWhereInput = {}): Promise<ObjectTypeRecord[]> {
    const rows = await db.ontologyObjectType.findMany({
      where: { AND: [where, { tenantId: RequestContextStore.requireTenantId() }] },
      orderBy: { apiName: 'asc' },
    });
    return rows.map(toObjectType);
  }

  async linkTypes(db: Db = this.prisma, where: Prisma.OntologyLinkTypeWhereInput = {}): Promise<LinkTypeRecord[]> {
    const rows = await db.ontologyLinkType.findMany({
      where: { AND: [where, { tenantId: RequestContextStore.requireTenantId() }] },
      orderBy: { apiName: 'asc' },
    });
    return rows.map(toLinkType);
  }

  async objectType(apiName: string, db: Db = this.prisma): Promise<ObjectTypeRecord | null> {
    const row = await db.ontologyObjectType.findFirst({ where: { tenantId: RequestContextStore.requireTenantId(), apiName } });
    return row ? toObjectType(row) : null;
  }

  async objectTypeById(id: string, db: Db = this.prisma): Promise<ObjectTypeRecord | null> {
    const row = await db.ontologyObjectType.findFirst({ where: { tenantId: RequestContextStore.requireTenantId(), id } });
    return row ? toObjectType(row) : null;
  }

  async linkType(apiName: string, db: Db = this.prisma): Promise<LinkTypeRecord | null> {
    const row = await db.ontologyLinkType.findFirst({ where: { tenantId: RequestContextStore.requireTenantId(), apiName } });
    return row ? toLinkType(row) : null;
  }

  async linkTypeById(id: string, db: Db = this.prisma): Promise<LinkTypeRecord | null> {
    const row = await db.ontologyLinkType.findFirst({ where: { tenantId: RequestContextStore.requireTenantId(), id } });
    return row ? toLinkType(row) : null;
  }

  async currentVersion(db: Db = this.prisma): Promise<number> {
    const latest = await db.ontologySchemaVersion.findFirst({
      where: { tenantId: RequestContextStore.requireTenantId() },
      orderBy: { version: 'desc' },
      select: { version: true },
    });
    return latest?.version ?? 0;
  }

  versions(limit: number, before: number | undefined) {
    return this.prisma.ontologySchemaVersion.findMany({
      where: { tenantId: RequestContextStore.requireTenantId(), ...(before === undefined ? {} : { version: { lt: before } }) },
      orderBy: { version: 'desc' },
      take: limit,
      select: { id: true, version: true, summary: true, changes: true, createdByType: true, createdById: true, createdAt: true },
    });
  }

  version(version: number) {
    return this.prisma.ontologySchemaVersion.findFirst({ where: { tenantId: RequestContextStore.requireTenantId(), version } });
  }

  async createObjectType(definition: ObjectTypeDefinition, schemaVersion: number, tx: Prisma.TransactionClient): Promise<void> {
    await tx.ontologyObjectType.create({
      data: {
        id: newId(),
        tenantId: RequestContextStore.requireTenantId(),
        apiName: definition.apiName,
        displayName: definition.displayName,
        description: definition.description,
        primaryKey: definition.primaryKey,
        titleProperty: definition.titleProperty,
        properties: definition.properties as unknown as Prisma.InputJsonValue,
        schemaVersion,
      },
    });
  }

  async updateObjectType(type: ObjectTypeRecord, schemaVersion: number, tx: Prisma.TransactionClient): Promise<void> {
    await tx.ontologyObjectType.update({
      where: { id: type.id, tenantId: RequestContextStore.requireTenantId() },
      data: {
        displayName: type.displayName,
        description: type.description,
        titleProperty: type.titleProperty,
        properties: type.properties as unknown as Prisma.InputJsonValue,
        schemaVersion,
        updatedAt: new Date(),
      },
    });
  }

  async deleteObjectType(apiName: string, tx: Prisma.TransactionClient): Promise<void> {
    await tx.ontologyObjectType.deleteMany({ where: { tenantId: RequestContextStore.requireTenantId(), apiName } });
  }

  async createLinkType(definition: LinkTypeDefinition, schemaVersion: number, tx: Prisma.TransactionClient): Promise<void> {
    await tx.ontologyLinkType.create({
      data: {
        id: newId(),
        tenantId: RequestContextStore.requireTenantId(),
        apiName: definition.apiName,
        displayName: definition.displayName,
        description: definition.description,
        fromTypeApiName: definition.fromTypeApiName,
        toTypeApiName: definition.toTypeApiName,
        cardinality: definition.cardinality,
        properties: definition.properties as unknown as Prisma.InputJsonValue,
        schemaVersion,
      },
    });
  }

  async updateLinkType(type: LinkTypeRecord, schemaVersion: number, tx: Prisma.TransactionClient): Promise<void> {
    await tx.ontologyLinkType.update({
      where: { id: type.id, tenantId: RequestContextStore.requireTenantId() },
      data: {
        displayName: type.displayName,
        description: type.description,
        cardinality: type.cardinality,
        properties: type.properties as unknown as Prisma.InputJsonValue,
        schemaVersion,
        updatedAt: new Date(),
      },
    });
  }

  async deleteLinkType(apiName: string, tx: Prisma.TransactionClient): Promise<void> {
    await tx.ontologyLinkType.deleteMany({ where: { tenantId: RequestContextStore.requireTenantId(), apiName } });
  }

  async recordVersion(
    input: { version: number; snapshot: SchemaSnapshot; changes: unknown; summary: string; actor: { type: string; id: string } },
    tx: Prisma.TransactionClient,
  ) {
    return tx.ontologySchemaVersion.create({
      data: {
        id: newId(),
        tenantId: RequestContextStore.requireTenantId(),
        version: input.version,
        snapshot: input.snapshot as unknown as Prisma.InputJsonValue,
        changes: input.changes as Prisma.InputJsonValue,
        summary: input.summary,
        createdByType: input.actor.type,
        createdById: input.actor.id,
      },
    });
  }
}

export function toObjectType(row: ObjectTypeRow): ObjectTypeRecord {
  return {
    id: row.id,
    apiName: row.apiName,
    displayName: row.displayName,
    description: row.description,
    primaryKey: row.primaryKey,
    titleProperty: row.titleProperty,
    properties: row.properties as unknown as PropertyDefinition[],
    schemaVersion: row.schemaVersion,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toLinkType(row: LinkTypeRow): LinkTypeRecord {
  return {
    id: row.id,
    apiName: row.apiName,
    displayName: row.displayName,
    description: row.description,
    fromTypeApiName: row.fromTypeApiName,
    toTypeApiName: row.toTypeApiName,
    cardinality: row.cardinality as LinkCardinality,
    properties: row.properties as unknown as PropertyDefinition[],
    schemaVersion: row.schemaVersion,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
