import { Injectable } from '@nestjs/common';
import { newId, RequestContextStore } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';
import type { AliasTarget } from './catalog.schemas';

export type AliasRow = Prisma.ModelAliasGetPayload<object>;

export interface AliasData {
  description?: string;
  taskClasses?: string[];
  strategy?: string;
  targets?: AliasTarget[];
  zeroDataRetention?: boolean;
}

/** The only code that touches `model_alias`. */
@Injectable()
export class AliasesRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(id: string, tx: Prisma.TransactionClient = this.prisma) {
    return tx.modelAlias.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }

  list(where: Prisma.ModelAliasWhereInput, filter: { operation?: string }, limit: number) {
    return this.prisma.modelAlias.findMany({
      where: { AND: [where, { tenantId: RequestContextStore.requireTenantId() }, filter.operation ? { operation: filter.operation } : {}] },
      orderBy: { name: 'asc' },
      take: limit,
    });
  }

  /** Every alias of the tenant (routing snapshot, reference checks), inside `tx` when given. */
  all(tx: Prisma.TransactionClient = this.prisma) {
    return tx.modelAlias.findMany({ where: { tenantId: RequestContextStore.requireTenantId() }, orderBy: { name: 'asc' }, take: 5000 });
  }

  count(tx: Prisma.TransactionClient) {
    return tx.modelAlias.count({ where: { tenantId: RequestContextStore.requireTenantId() } });
  }

  create(input: { name: string; operation: string } & Required<AliasData>, tx: Prisma.TransactionClient) {
    return tx.modelAlias.create({
      data: { id: newId(), tenantId: RequestContextStore.requireTenantId(), ...input, targets: input.targets as unknown as Prisma.InputJsonValue },
    });
  }

  update(id: string, data: AliasData, tx: Prisma.TransactionClient) {
    const { targets, ...rest } = data;
    return tx.modelAlias.update({
      where: { id, tenantId: RequestContextStore.requireTenantId() },
      data: { ...rest, ...(targets ? { targets: targets as unknown as Prisma.InputJsonValue } : {}) },
    });
  }

  delete(id: string, tx: Prisma.TransactionClient) {
    return tx.modelAlias.delete({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }
}
