import { Injectable } from '@nestjs/common';
import { RequestContextStore } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';
import type { ObjectRow } from './object-record';

type Db = Prisma.TransactionClient | PrismaService;

/** The only code that touches `ontology_object`. */
@Injectable()
export class ObjectsRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(id: string, db: Db = this.prisma, options: { includeDeleted?: boolean; where?: Prisma.OntologyObjectWhereInput } = {}): Promise<ObjectRow | null> {
    return db.ontologyObject.findFirst({
      where: { AND: [options.where ?? {}, { id, tenantId: RequestContextStore.requireTenantId() }, options.includeDeleted ? {} : { deletedAt: null }] },
    });
  }

  findMany(ids: string[], db: Db = this.prisma, where: Prisma.OntologyObjectWhereInput = {}): Promise<ObjectRow[]> {
    if (!ids.length) return Promise.resolve([]);
    return db.ontologyObject.findMany({ where: { AND: [where, { id: { in: ids }, tenantId: RequestContextStore.requireTenantId(), deletedAt: null }] } });
  }

  /** A live object of the type with this primary key value. */
  findByPrimaryKey(typeApiName: string, primaryKeyValue: string, db: Db = this.prisma): Promise<ObjectRow | null> {
    return db.ontologyObject.findFirst({
      where: { tenantId: RequestContextStore.requireTenantId(), typeApiName, primaryKeyValue, deletedAt: null },
    });
  }

  /** Another live object of the type whose property `name` equals `value` (the GIN index serves `@>`). */
  async findByPropertyValue(typeApiName: string, name: string, value: unknown, exceptId: string | null, db: Db): Promise<string | null> {
    const rows = await db.$queryRaw<{ id: string }[]>`
      SELECT id FROM ontology_object
      WHERE tenant_id = ${RequestContextStore.requireTenantId()}::uuid AND type_api_name = ${typeApiName} AND deleted_at IS NULL
        AND properties @> ${JSON.stringify({ [name]: value })}::jsonb
        AND (${exceptId}::uuid IS NULL OR id <> ${exceptId}::uuid)
      LIMIT 1`;
    return rows[0]?.id ?? null;
  }

  /** The live objects of the type with any of these primary key values. */
  findByPrimaryKeys(typeApiName: string, primaryKeyValues: string[], db: Db): Promise<ObjectRow[]> {
    if (!primaryKeyValues.length) return Promise.resolve([]);
    return db.ontologyObject.findMany({
      where: { tenantId: RequestContextStore.requireTenantId(), typeApiName, primaryKeyValue: { in: primaryKeyValues }, deletedAt: null },
    });
  }

  /** The live objects of the type whose property `name` equals one of `values` (a hashed semi-join over the type's objects). */
  async findByPropertyValues(typeApiName: string, name: string, values: unknown[], db: Db): Promise<ObjectRow[]> {
    if (!values.length) return [];
    const rows = await db.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM ontology_object
      WHERE tenant_id = ${RequestContextStore.requireTenantId()}::uuid AND type_api_name = ${typeApiName} AND deleted_at IS NULL
        AND (properties -> ${name}) IN (SELECT unnest(${values.map((value) => JSON.stringify(value))}::jsonb[]))`;
    return this.findMany(rows.map((row) => row.id), db);
  }

  /** Inserts many objects in one statement (arrays unnested server-side). */
  async insertMany(rows: readonly Omit<ObjectRow, 'tenantId'>[], tx: Prisma.TransactionClient): Promise<void> {
    if (!rows.length) return;
    const column = <T>(pick: (row: Omit<ObjectRow, 'tenantId'>) => T) => rows.map(pick);
    await tx.$executeRaw`
      INSERT INTO ontology_object (id, tenant_id, type_api_name, primary_key_value, properties, version, created_at, updated_at, deleted_at,
                                   created_by_type, created_by_id, updated_by_type, updated_by_id)
      SELECT u.id, ${RequestContextStore.requireTenantId()}::uuid, u.type_api_name, u.primary_key_value, u.properties::jsonb, u.version, u.created_at, u.updated_at, NULL,
             u.created_by_type, u.created_by_id, u.updated_by_type, u.updated_by_id
      FROM unnest(${column((row) => row.id)}::uuid[], ${column((row) => row.typeApiName)}::text[], ${column((row) => row.primaryKeyValue)}::text[],
                  ${column((row) => JSON.stringify(row.properties))}::text[], ${column((row) => row.version)}::int[],
                  ${column((row) => row.createdAt.toISOString())}::timestamptz[], ${column((row) => row.updatedAt.toISOString())}::timestamptz[],
                  ${column((row) => row.createdByType)}::text[], ${column((row) => row.createdById)}::text[],
                  ${column((row) => row.updatedByType)}::text[], ${column((row) => row.updatedById)}::text[])
        AS u(id, type_api_name, primary_key_value, properties, version, created_at, updated_at, created_by_type, created_by_id, updated_by_type, updated_by_id)`;
  }

  /** Writes the new state (properties, primary key, version, updated*) of many live objects in one statement. */
  async updateMany(rows: readonly ObjectRow[], tx: Prisma.TransactionClient): Promise<void> {
    if (!rows.length) return;
    const column = <T>(pick: (row: ObjectRow) => T) => rows.map(pick);
    await tx.$executeRaw`
      UPDATE ontology_object o SET properties = u.properties::jsonb, primary_key_value = u.primary_key_value, version = u.version,
             updated_at = u.updated_at, updated_by_type = u.updated_by_type, updated_by_id = u.updated_by_id
      FROM unnest(${column((row) => row.id)}::uuid[], ${column((row) => row.primaryKeyValue)}::text[], ${column((row) => JSON.stringify(row.properties))}::text[],
                  ${column((row) => row.version)}::int[], ${column((row) => row.updatedAt.toISOString())}::timestamptz[],
                  ${column((row) => row.updatedByType)}::text[], ${column((row) => row.updatedById)}::text[])
        AS u(id, primary_key_value, properties, version, updated_at, updated_by_type, updated_by_id)
      WHERE o.id = u.id AND o.tenant_id = ${RequestContextStore.requireTenantId()}::uuid AND o.deleted_at IS NULL`;
  }

  insert(data: Omit<Prisma.OntologyObjectUncheckedCreateInput, 'tenantId'>, tx: Prisma.TransactionClient): Promise<ObjectRow> {
    return tx.ontologyObject.create({ data: { ...data, tenantId: RequestContextStore.requireTenantId() } });
  }

  update(id: string, data: Prisma.OntologyObjectUncheckedUpdateInput, tx: Prisma.TransactionClient): Promise<ObjectRow> {
    return tx.ontologyObject.update({ where: { id, tenantId: RequestContextStore.requireTenantId() }, data });
  }

  /** A page of live objects, ordered by id (UUIDv7: creation order). */
  list(where: Prisma.OntologyObjectWhereInput, limit: number, cursor: string | undefined): Promise<ObjectRow[]> {
    return this.prisma.ontologyObject.findMany({
      where: { AND: [where, { tenantId: RequestContextStore.requireTenantId(), deletedAt: null }, cursor ? { id: { gt: cursor } } : {}] },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }
}
