import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type OntologyActionModel } from '@strata/db';
import { RequestContextStore } from '@strata/kernel';

type Db = PrismaService | Prisma.TransactionClient;

/** The only code touching `ontology_action` (the action log); tenant from the request context. */
@Injectable()
export class ActionLogRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: Omit<Prisma.OntologyActionUncheckedCreateInput, 'tenantId'>, db: Db = this.prisma): Promise<OntologyActionModel> {
    return db.ontologyAction.create({ data: { ...data, tenantId: RequestContextStore.requireTenantId() } });
  }

  update(id: string, data: Prisma.OntologyActionUncheckedUpdateInput, db: Db = this.prisma): Promise<OntologyActionModel> {
    return db.ontologyAction.update({ where: { id, tenantId: RequestContextStore.requireTenantId() }, data });
  }

  find(id: string, db: Db = this.prisma): Promise<OntologyActionModel | null> {
    return db.ontologyAction.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }

  findByApproval(approvalId: string, db: Db = this.prisma): Promise<OntologyActionModel | null> {
    return db.ontologyAction.findFirst({ where: { approvalId, tenantId: RequestContextStore.requireTenantId() } });
  }

  findByRequestId(requestId: string, db: Db = this.prisma): Promise<OntologyActionModel | null> {
    return db.ontologyAction.findFirst({ where: { requestId, tenantId: RequestContextStore.requireTenantId() }, orderBy: { createdAt: 'desc' } });
  }

  /** Locks the entry until the transaction ends: one execution or revert at a time. */
  async lock(id: string, tx: Prisma.TransactionClient): Promise<OntologyActionModel | null> {
    const tenantId = RequestContextStore.requireTenantId();
    const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id::text AS id FROM ontology_action WHERE id = ${id}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
    return rows.length ? this.find(id, tx) : null;
  }

  /** Newest first. */
  list(where: Prisma.OntologyActionWhereInput, limit: number, cursor?: string): Promise<OntologyActionModel[]> {
    return this.prisma.ontologyAction.findMany({
      where: { AND: [where, { tenantId: RequestContextStore.requireTenantId() }, cursor ? { id: { lt: cursor } } : {}] },
      orderBy: { id: 'desc' },
      take: limit,
    });
  }

  /** Whether an object changed after `sinceVersion` through a write outside this action (revert checks). */
  async currentObjectVersions(ids: readonly string[], tx: Prisma.TransactionClient): Promise<Map<string, { version: number; deleted: boolean }>> {
    if (ids.length === 0) return new Map();
    const tenantId = RequestContextStore.requireTenantId();
    const rows = await tx.$queryRaw<Array<{ id: string; version: number; deleted: boolean }>>(Prisma.sql`
      SELECT id::text AS id, version, deleted_at IS NOT NULL AS deleted FROM ontology_object
      WHERE tenant_id = ${tenantId}::uuid AND id = ANY(${[...ids]}::uuid[])`);
    return new Map(rows.map((row) => [row.id, { version: Number(row.version), deleted: row.deleted }]));
  }

  async liveLinks(ids: readonly string[], tx: Prisma.TransactionClient): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const tenantId = RequestContextStore.requireTenantId();
    const rows = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
      SELECT id::text AS id FROM ontology_link WHERE tenant_id = ${tenantId}::uuid AND id = ANY(${[...ids]}::uuid[]) AND deleted_at IS NULL`);
    return new Set(rows.map((row) => row.id));
  }

  /** Live objects by id with their type, properties and version (criteria and templates read them). */
  async objects(ids: readonly string[], db: Db): Promise<Array<{ id: string; type_api_name: string; properties: Record<string, unknown>; version: number }>> {
    if (ids.length === 0) return [];
    const tenantId = RequestContextStore.requireTenantId();
    return db.$queryRaw(Prisma.sql`
      SELECT id::text AS id, type_api_name, properties, version FROM ontology_object
      WHERE tenant_id = ${tenantId}::uuid AND id = ANY(${[...ids]}::uuid[]) AND deleted_at IS NULL`);
  }
}
