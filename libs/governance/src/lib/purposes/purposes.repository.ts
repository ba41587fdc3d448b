import { Injectable } from '@nestjs/common';
import { newId, RequestContextStore } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';

/** The only code that touches `purpose`. */
@Injectable()
export class PurposesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Authentication: an active purpose of the tenant the credential belongs to. */
  findActive(tenantId: string, name: string) {
    return this.prisma.purpose.findFirst({ where: { tenantId, name, archivedAt: null } });
  }

  find(id: string) {
    return this.prisma.purpose.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }

  list(where: Prisma.PurposeWhereInput, includeArchived: boolean) {
    return this.prisma.purpose.findMany({
      where: { AND: [where, { tenantId: RequestContextStore.requireTenantId() }, includeArchived ? {} : { archivedAt: null }] },
      orderBy: { name: 'asc' },
      take: 500,
    });
  }

  create(input: { name: string; description: string; requiresJustification: boolean }, tx: Prisma.TransactionClient) {
    return tx.purpose.create({ data: { id: newId(), tenantId: RequestContextStore.requireTenantId(), ...input } });
  }

  update(id: string, data: { description?: string; requiresJustification?: boolean; archivedAt?: Date | null }, tx: Prisma.TransactionClient) {
    return tx.purpose.update({ where: { id, tenantId: RequestContextStore.requireTenantId() }, data });
  }
}
