import { Injectable } from '@nestjs/common';
import { RequestContextStore } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';

export type ProviderRow = Prisma.ModelProviderGetPayload<object>;

/** The credential columns as the vault writes them. */
export interface StoredCredential {
  credentialType: string;
  credentialCiphertext: string | null;
  credentialKeyId: string | null;
  credentialHint: string | null;
}

/** The only code that touches `model_provider`. */
@Injectable()
export class ProvidersRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(id: string, tx: Prisma.TransactionClient = this.prisma) {
    return tx.modelProvider.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }

  findByName(name: string) {
    return this.prisma.modelProvider.findFirst({ where: { name, tenantId: RequestContextStore.requireTenantId() } });
  }

  list(where: Prisma.ModelProviderWhereInput, limit: number) {
    return this.prisma.modelProvider.findMany({
      where: { AND: [where, { tenantId: RequestContextStore.requireTenantId() }] },
      orderBy: { name: 'asc' },
      take: limit,
    });
  }

  count(tx: Prisma.TransactionClient) {
    return tx.modelProvider.count({ where: { tenantId: RequestContextStore.requireTenantId() } });
  }

  /** `id` is chosen by the caller: the credential is sealed with it as associated data before the row exists. */
  create(
    id: string,
    input: { name: string; kind: string; baseUrl: string | null; options: Prisma.InputJsonValue; enabled: boolean; timeoutMs: number | null },
    credential: StoredCredential & { credentialUpdatedAt: Date | null },
    tx: Prisma.TransactionClient,
  ) {
    return tx.modelProvider.create({
      data: { id, tenantId: RequestContextStore.requireTenantId(), ...input, ...credential, credentialVersion: credential.credentialCiphertext ? 1 : 0 },
    });
  }

  update(
    id: string,
    data: { baseUrl?: string | null; options?: Prisma.InputJsonValue; enabled?: boolean; timeoutMs?: number | null },
    tx: Prisma.TransactionClient,
  ) {
    return tx.modelProvider.update({ where: { id, tenantId: RequestContextStore.requireTenantId() }, data });
  }

  replaceCredential(id: string, credential: StoredCredential, at: Date, tx: Prisma.TransactionClient) {
    return tx.modelProvider.update({
      where: { id, tenantId: RequestContextStore.requireTenantId() },
      data: { ...credential, credentialUpdatedAt: at, credentialVersion: { increment: 1 } },
    });
  }

  /**
   * Rotation: re-wrapped under another key, same secret. The version is bumped so caches drop
   * adapters built from the old row; the `credentialKeyId` guard makes a concurrent replace win.
   */
  rewrapCredential(id: string, from: { keyId: string; ciphertext: string }, to: { keyId: string; ciphertext: string }, tx: Prisma.TransactionClient) {
    return tx.modelProvider.updateMany({
      where: { id, tenantId: RequestContextStore.requireTenantId(), credentialKeyId: from.keyId, credentialCiphertext: from.ciphertext },
      data: { credentialCiphertext: to.ciphertext, credentialKeyId: to.keyId, credentialVersion: { increment: 1 } },
    });
  }

  /** Rotation: this tenant's credentials not yet under `activeKeyId`, a page at a time. */
  credentialsNotUnder(activeKeyId: string, limit: number) {
    return this.prisma.modelProvider.findMany({
      where: { tenantId: RequestContextStore.requireTenantId(), credentialCiphertext: { not: null }, credentialKeyId: { not: activeKeyId } },
      select: { id: true, tenantId: true, name: true, credentialKeyId: true, credentialCiphertext: true },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  /**
   * Rotation is platform-wide: the tenants that hold any credential not under `activeKeyId`. Each
   * is then re-wrapped under its own tenant context, so every row query stays tenant-scoped.
   */
  async tenantsWithCredentialsNotUnder(activeKeyId: string): Promise<string[]> {
    const rows = await this.prisma.modelProvider.findMany({
      where: { credentialCiphertext: { not: null }, credentialKeyId: { not: activeKeyId } },
      distinct: ['tenantId'],
      select: { tenantId: true },
    });
    return rows.map((row) => row.tenantId);
  }

  delete(id: string, tx: Prisma.TransactionClient) {
    return tx.modelProvider.delete({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }

  /** Routing snapshot: every provider of the tenant. */
  all() {
    return this.prisma.modelProvider.findMany({ where: { tenantId: RequestContextStore.requireTenantId() }, orderBy: { name: 'asc' }, take: 1000 });
  }
}
