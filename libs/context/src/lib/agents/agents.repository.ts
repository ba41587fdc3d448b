import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type ContextAgentModel, type ContextAgentVersionModel } from '@strata/db';
import { RequestContextStore } from '@strata/kernel';

type Db = PrismaService | Prisma.TransactionClient;

/** The only code touching `context_agent` and `context_agent_version`; tenant from the request context. */
@Injectable()
export class AgentsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Live agents, by id (UUIDv7: creation order), optionally whose name contains `search`. */
  list(where: Prisma.ContextAgentWhereInput, limit: number, cursor?: string, search?: string): Promise<ContextAgentModel[]> {
    return this.prisma.contextAgent.findMany({
      where: {
        AND: [
          where,
          { tenantId: RequestContextStore.requireTenantId(), deletedAt: null },
          cursor ? { id: { gt: cursor } } : {},
          search ? { name: { contains: search, mode: 'insensitive' } } : {},
        ],
      },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  find(id: string, db: Db = this.prisma): Promise<ContextAgentModel | null> {
    return db.contextAgent.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId(), deletedAt: null } });
  }

  findByName(name: string, db: Db = this.prisma): Promise<ContextAgentModel | null> {
    return db.contextAgent.findFirst({ where: { name, tenantId: RequestContextStore.requireTenantId(), deletedAt: null } });
  }

  /** Locks the live row for an edit; the optimistic version is compared under the lock. */
  async lock(id: string, tx: Prisma.TransactionClient): Promise<ContextAgentModel | null> {
    const tenantId = RequestContextStore.requireTenantId();
    const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id::text AS id FROM context_agent WHERE id = ${id}::uuid AND tenant_id = ${tenantId}::uuid AND deleted_at IS NULL FOR UPDATE`;
    return rows.length ? this.find(id, tx) : null;
  }

  create(data: Omit<Prisma.ContextAgentUncheckedCreateInput, 'tenantId'>, tx: Prisma.TransactionClient): Promise<ContextAgentModel> {
    return tx.contextAgent.create({ data: { ...data, tenantId: RequestContextStore.requireTenantId() } });
  }

  update(id: string, data: Prisma.ContextAgentUncheckedUpdateInput, tx: Prisma.TransactionClient): Promise<ContextAgentModel> {
    return tx.contextAgent.update({ where: { id, tenantId: RequestContextStore.requireTenantId() }, data });
  }

  addVersion(data: Omit<Prisma.ContextAgentVersionUncheckedCreateInput, 'tenantId'>, tx: Prisma.TransactionClient): Promise<ContextAgentVersionModel> {
    return tx.contextAgentVersion.create({ data: { ...data, tenantId: RequestContextStore.requireTenantId() } });
  }

  version(agentId: string, version: number, db: Db = this.prisma): Promise<ContextAgentVersionModel | null> {
    return db.contextAgentVersion.findFirst({ where: { agentId, version, tenantId: RequestContextStore.requireTenantId() } });
  }

  versions(agentId: string): Promise<ContextAgentVersionModel[]> {
    return this.prisma.contextAgentVersion.findMany({
      where: { agentId, tenantId: RequestContextStore.requireTenantId() },
      orderBy: { version: 'desc' },
      take: 200,
    });
  }
}
