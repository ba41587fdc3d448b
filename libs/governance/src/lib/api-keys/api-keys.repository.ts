import { Injectable } from '@nestjs/common';
import { newId, RequestContextStore } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';

const PUBLIC_FIELDS = {
  id: true,
  tenantId: true,
  name: true,
  prefix: true,
  principalType: true,
  userId: true,
  serviceAccountId: true,
  roles: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
  createdAt: true,
  createdById: true,
} as const;

/** The only code that touches `api_key`. The secret hash never leaves this file except for authentication. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(id: string) {
    return this.prisma.apiKey.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId() }, select: PUBLIC_FIELDS });
  }

  list(where: Prisma.ApiKeyWhereInput, limit: number, cursor?: string) {
    return this.prisma.apiKey.findMany({
      where: { AND: [where, { tenantId: RequestContextStore.requireTenantId() }, cursor ? { id: { gt: cursor } } : {}] },
      orderBy: { id: 'asc' },
      take: limit,
      select: PUBLIC_FIELDS,
    });
  }

  create(
    input: {
      name: string;
      prefix: string;
      secretHash: string;
      principalType: 'user' | 'service_account';
      userId?: string;
      serviceAccountId?: string;
      roles: string[];
      expiresAt?: Date;
      tenantId?: string;
      createdById?: string;
    },
    tx: Prisma.TransactionClient,
  ) {
    return tx.apiKey.create({
      data: { id: newId(), ...input, tenantId: input.tenantId ?? RequestContextStore.requireTenantId() },
      select: PUBLIC_FIELDS,
    });
  }

  revoke(id: string, at: Date, tx: Prisma.TransactionClient) {
    return tx.apiKey.update({ where: { id, tenantId: RequestContextStore.requireTenantId() }, data: { revokedAt: at }, select: PUBLIC_FIELDS });
  }

  /** Authentication happens before a tenant is known: the globally unique prefix finds the key. */
  findByPrefixForAuthentication(prefix: string) {
    return this.prisma.apiKey.findUnique({ where: { prefix } });
  }

  /** Written at most once a minute per key, so authentication does not turn every request into a write. */
  async touch(id: string, at: Date): Promise<void> {
    await this.prisma.apiKey.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(at.getTime() - 60_000) } }] },
      data: { lastUsedAt: at },
    });
  }
}
