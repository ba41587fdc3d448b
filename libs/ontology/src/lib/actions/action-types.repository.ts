import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type OntologyActionTypeModel, type OntologyActionTypeVersionModel } from '@strata/db';
import { RequestContextStore } from '@strata/kernel';

type Db = PrismaService | Prisma.TransactionClient;

/** The only code touching `ontology_action_type` and its versions; tenant from the request context. */
@Injectable()
export class ActionTypesRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(where: Prisma.OntologyActionTypeWhereInput, limit: number, cursor?: string): Promise<OntologyActionTypeModel[]> {
    return this.prisma.ontologyActionType.findMany({
      where: { AND: [where, { tenantId: RequestContextStore.requireTenantId(), deletedAt: null }, cursor ? { id: { gt: cursor } } : {}] },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  /** Live action types, all of them (the self-description). */
  all(db: Db = this.prisma): Promise<OntologyActionTypeModel[]> {
    return db.ontologyActionType.findMany({ where: { tenantId: RequestContextStore.requireTenantId(), deletedAt: null }, orderBy: { apiName: 'asc' }, take: 1000 });
  }

  find(id: string, db: Db = this.prisma): Promise<OntologyActionTypeModel | null> {
    return db.ontologyActionType.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId(), deletedAt: null } });
  }

  findByApiName(apiName: string, db: Db = this.prisma): Promise<OntologyActionTypeModel | null> {
    return db.ontologyActionType.findFirst({ where: { apiName, tenantId: RequestContextStore.requireTenantId(), deletedAt: null } });
  }

  /** Locks the row for an edit (optimistic version checked under the lock). */
  async lock(id: string, tx: Prisma.TransactionClient): Promise<OntologyActionTypeModel | null> {
    const tenantId = RequestContextStore.requireTenantId();
    const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id::text AS id FROM ontology_action_type WHERE id = ${id}::uuid AND tenant_id = ${tenantId}::uuid AND deleted_at IS NULL FOR UPDATE`;
    return rows.length ? this.find(id, tx) : null;
  }

  create(data: Omit<Prisma.OntologyActionTypeUncheckedCreateInput, 'tenantId'>, tx: Prisma.TransactionClient): Promise<OntologyActionTypeModel> {
    return tx.ontologyActionType.create({ data: { ...data, tenantId: RequestContextStore.requireTenantId() } });
  }

  update(id: string, data: Prisma.OntologyActionTypeUncheckedUpdateInput, tx: Prisma.TransactionClient): Promise<OntologyActionTypeModel> {
    return tx.ontologyActionType.update({ where: { id, tenantId: RequestContextStore.requireTenantId() }, data });
  }

  addVersion(data: Omit<Prisma.OntologyActionTypeVersionUncheckedCreateInput, 'tenantId'>, tx: Prisma.TransactionClient): Promise<OntologyActionTypeVersionModel> {
    return tx.ontologyActionTypeVersion.create({ data: { ...data, tenantId: RequestContextStore.requireTenantId() } });
  }

  version(actionTypeId: string, version: number): Promise<OntologyActionTypeVersionModel | null> {
    return this.prisma.ontologyActionTypeVersion.findFirst({ where: { actionTypeId, version, tenantId: RequestContextStore.requireTenantId() } });
  }

  versions(actionTypeId: string): Promise<OntologyActionTypeVersionModel[]> {
    return this.prisma.ontologyActionTypeVersion.findMany({
      where: { actionTypeId, tenantId: RequestContextStore.requireTenantId() },
      orderBy: { version: 'desc' },
      take: 200,
    });
  }
}
