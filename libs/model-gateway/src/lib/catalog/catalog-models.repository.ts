import { Injectable } from '@nestjs/common';
import { newId, RequestContextStore } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';

export type CatalogModelRow = Prisma.CatalogModelGetPayload<object>;

export interface CatalogModelData {
  supportsTools?: boolean;
  supportsVision?: boolean;
  supportsStructuredOutput?: boolean;
  supportsStreaming?: boolean;
  contextWindow?: number | null;
  maxOutputTokens?: number | null;
  dimensions?: number | null;
  inputPricePerMTok?: string;
  outputPricePerMTok?: string;
  enabled?: boolean;
}

/** The only code that touches `catalog_model`. */
@Injectable()
export class CatalogModelsRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(id: string, tx: Prisma.TransactionClient = this.prisma) {
    return tx.catalogModel.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }

  findByNames(names: string[], tx: Prisma.TransactionClient = this.prisma) {
    return tx.catalogModel.findMany({ where: { name: { in: names }, tenantId: RequestContextStore.requireTenantId() } });
  }

  list(where: Prisma.CatalogModelWhereInput, filter: { providerId?: string; operation?: string }, limit: number) {
    return this.prisma.catalogModel.findMany({
      where: {
        AND: [
          where,
          { tenantId: RequestContextStore.requireTenantId() },
          filter.providerId ? { providerId: filter.providerId } : {},
          filter.operation ? { operation: filter.operation } : {},
        ],
      },
      orderBy: { name: 'asc' },
      take: limit,
    });
  }

  namesOfProvider(providerId: string, tx: Prisma.TransactionClient) {
    return tx.catalogModel.findMany({ where: { providerId, tenantId: RequestContextStore.requireTenantId() }, select: { name: true }, take: 20 });
  }

  count(tx: Prisma.TransactionClient) {
    return tx.catalogModel.count({ where: { tenantId: RequestContextStore.requireTenantId() } });
  }

  create(input: { providerId: string; name: string; providerModelId: string; operation: string } & CatalogModelData, tx: Prisma.TransactionClient) {
    return tx.catalogModel.create({ data: { id: newId(), tenantId: RequestContextStore.requireTenantId(), ...input } });
  }

  update(id: string, data: CatalogModelData, tx: Prisma.TransactionClient) {
    return tx.catalogModel.update({ where: { id, tenantId: RequestContextStore.requireTenantId() }, data });
  }

  delete(id: string, tx: Prisma.TransactionClient) {
    return tx.catalogModel.delete({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }

  /** Routing snapshot: every model of the tenant. */
  all() {
    return this.prisma.catalogModel.findMany({ where: { tenantId: RequestContextStore.requireTenantId() }, orderBy: { name: 'asc' }, take: 5000 });
  }
}
