import { Injectable } from '@nestjs/common';
import { PrismaService, type Prisma } from '@strata/db';
import { newId, RequestContextStore } from '@strata/kernel';

export type GuardrailRuleRow = NonNullable<Awaited<ReturnType<GuardrailRulesRepository['find']>>>;

/** The only code that writes guardrail rules (tenant from the request context). */
@Injectable()
export class GuardrailRulesRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(id: string) {
    return this.prisma.guardrailRule.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }

  findConflicting(name: string, detector: string | null) {
    return this.prisma.guardrailRule.findFirst({
      where: { tenantId: RequestContextStore.requireTenantId(), OR: [{ name }, ...(detector ? [{ detector }] : [])] },
    });
  }

  count(tx: Prisma.TransactionClient) {
    return tx.guardrailRule.count({ where: { tenantId: RequestContextStore.requireTenantId() } });
  }

  list(where: Prisma.GuardrailRuleWhereInput, limit: number, cursor?: string) {
    return this.prisma.guardrailRule.findMany({
      where: { AND: [where, { tenantId: RequestContextStore.requireTenantId() }, cursor ? { id: { gt: cursor } } : {}] },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  /** Every rule that configures a built-in detector (for the detectors overview). */
  detectorRules() {
    return this.prisma.guardrailRule.findMany({ where: { tenantId: RequestContextStore.requireTenantId(), detector: { not: null } } });
  }

  create(data: Omit<Prisma.GuardrailRuleUncheckedCreateInput, 'id' | 'tenantId'>, tx: Prisma.TransactionClient) {
    return tx.guardrailRule.create({ data: { ...data, id: newId(), tenantId: RequestContextStore.requireTenantId() } });
  }

  update(id: string, data: Prisma.GuardrailRuleUncheckedUpdateInput, tx: Prisma.TransactionClient) {
    return tx.guardrailRule.update({ where: { id, tenantId: RequestContextStore.requireTenantId() }, data });
  }

  async delete(id: string, tx: Prisma.TransactionClient): Promise<void> {
    await tx.guardrailRule.delete({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }
}
