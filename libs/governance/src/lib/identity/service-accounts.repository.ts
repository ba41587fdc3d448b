import { Injectable } from '@nestjs/common';
import { newId, RequestContextStore } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';

/** The only code that touches `service_account`. Every method is scoped to the context's tenant. */
@Injectable()
export class ServiceAccountsRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(id: string) {
    return this.prisma.serviceAccount.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }

  list(where: Prisma.ServiceAccountWhereInput, limit: number, cursor?: string) {
    return this.prisma.serviceAccount.findMany({
      where: { AND: [where, { tenantId: RequestContextStore.requireTenantId() }, cursor ? { id: { gt: cursor } } : {}] },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  create(input: { name: string; description: string; roles: string[] }, tx: Prisma.TransactionClient) {
    return tx.serviceAccount.create({ data: { id: newId(), tenantId: RequestContextStore.requireTenantId(), ...input } });
  }

  /** Authentication runs before a tenant is known: the key's own tenant scopes this lookup. */
  findForAuthentication(id: string, tenantId: string) {
    return this.prisma.serviceAccount.findFirst({ where: { id, tenantId } });
  }

  update(id: string, data: { description?: string; roles?: string[]; disabledAt?: Date | null }, tx: Prisma.TransactionClient) {
    return tx.serviceAccount.update({ where: { id, tenantId: RequestContextStore.requireTenantId() }, data });
  }
}
