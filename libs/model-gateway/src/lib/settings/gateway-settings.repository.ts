import { Injectable } from '@nestjs/common';
import { newId, RequestContextStore } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';

export interface GatewaySettingsData {
  zeroDataRetention: boolean;
  contentCapture: boolean;
  defaultChatAlias: string | null;
  defaultEmbeddingAlias: string | null;
}

/** The only code that touches `model_gateway_settings` (one row per tenant, absent until first saved). */
@Injectable()
export class GatewaySettingsRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(tx: Prisma.TransactionClient = this.prisma) {
    return tx.gatewaySettings.findFirst({ where: { tenantId: RequestContextStore.requireTenantId() } });
  }

  /** For the content policy, which is asked per span with only a tenant id (the caller's own tenant). */
  findForTenant(tenantId: string) {
    return this.prisma.gatewaySettings.findFirst({ where: { tenantId } });
  }

  upsert(data: GatewaySettingsData, tx: Prisma.TransactionClient) {
    const tenantId = RequestContextStore.requireTenantId();
    return tx.gatewaySettings.upsert({ where: { tenantId }, create: { id: newId(), tenantId, ...data }, update: data });
  }
}
