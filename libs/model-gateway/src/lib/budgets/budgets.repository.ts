import { Injectable } from '@nestjs/common';
import { PrismaService, type Prisma } from '@strata/db';
import { newId, RequestContextStore } from '@strata/kernel';

export type BudgetRow = NonNullable<Awaited<ReturnType<BudgetsRepository['find']>>>;

export interface BudgetWindowRow {
  budgetId: string;
  meter: string;
  periodStart: Date;
  used: bigint;
  leased: bigint;
}

/** The only code that reads and writes budgets for the API (tenant from the request context). */
@Injectable()
export class BudgetsRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(id: string) {
    return this.prisma.budget.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }

  findByName(name: string) {
    return this.prisma.budget.findFirst({ where: { name, tenantId: RequestContextStore.requireTenantId() } });
  }

  list(where: Prisma.BudgetWhereInput, limit: number, cursor?: string) {
    return this.prisma.budget.findMany({
      where: { AND: [where, { tenantId: RequestContextStore.requireTenantId() }, cursor ? { id: { gt: cursor } } : {}] },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  /** The current windows of these budgets (one per meter), for the status the list shows. */
  windows(keys: Array<{ budgetId: string; meter: string; periodStart: Date }>): Promise<BudgetWindowRow[]> {
    if (!keys.length) return Promise.resolve([]);
    return this.prisma.budgetPeriod.findMany({
      where: { tenantId: RequestContextStore.requireTenantId(), OR: keys.map((key) => ({ budgetId: key.budgetId, meter: key.meter, periodStart: key.periodStart })) },
      select: { budgetId: true, meter: true, periodStart: true, used: true, leased: true },
    });
  }

  create(data: Omit<Prisma.BudgetUncheckedCreateInput, 'id' | 'tenantId'>, tx: Prisma.TransactionClient) {
    return tx.budget.create({ data: { ...data, id: newId(), tenantId: RequestContextStore.requireTenantId() } });
  }

  update(id: string, data: Prisma.BudgetUncheckedUpdateInput, tx: Prisma.TransactionClient) {
    return tx.budget.update({ where: { id, tenantId: RequestContextStore.requireTenantId() }, data });
  }

  async delete(id: string, tx: Prisma.TransactionClient): Promise<void> {
    const tenantId = RequestContextStore.requireTenantId();
    await tx.budgetPeriod.deleteMany({ where: { budgetId: id, tenantId } });
    await tx.budget.delete({ where: { id, tenantId } });
  }
}
