import { Injectable } from '@nestjs/common';
import { newId, RequestContextStore } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';
import type { PolicyRule } from './policy-rule';

export interface StoredPolicy {
  version: number;
  rules: PolicyRule[];
  comment: string;
  createdAt: Date;
  createdById: string | null;
}

/** Versions are an int4 column. */
const MAX_POLICY_VERSION = 2_147_483_647;

/** The only code that touches `policy_version`. Versions are immutable; a change is a new version. */
@Injectable()
export class PoliciesRepository {
  constructor(private readonly prisma: PrismaService) {}

  async latest(tenantId = RequestContextStore.requireTenantId()): Promise<StoredPolicy | null> {
    const row = await this.prisma.policyVersion.findFirst({ where: { tenantId }, orderBy: { version: 'desc' } });
    return row ? toStored(row) : null;
  }

  async byVersion(version: number, tenantId = RequestContextStore.requireTenantId()): Promise<StoredPolicy | null> {
    // The column is int4: a version beyond it (`/policies/99999999999`) names nothing, and Prisma would throw.
    if (!Number.isInteger(version) || version < 0 || version > MAX_POLICY_VERSION) return null;
    const row = await this.prisma.policyVersion.findUnique({ where: { tenantId_version: { tenantId, version } } });
    return row ? toStored(row) : null;
  }

  async list(): Promise<Array<Omit<StoredPolicy, 'rules'> & { ruleCount: number }>> {
    const tenantId = RequestContextStore.requireTenantId();
    const rows = await this.prisma.policyVersion.findMany({ where: { tenantId }, orderBy: { version: 'desc' }, take: 200 });
    return rows.map((row) => ({ ...toStored(row), ruleCount: (row.rules as unknown[]).length }));
  }

  /** Appends the next version; the unique (tenant, version) key makes concurrent publishers retry rather than overwrite. */
  async append(rules: PolicyRule[], comment: string, tx: Prisma.TransactionClient): Promise<StoredPolicy> {
    const tenantId = RequestContextStore.requireTenantId();
    const actor = RequestContextStore.current()?.actor;
    const last = await tx.policyVersion.findFirst({ where: { tenantId }, orderBy: { version: 'desc' }, select: { version: true } });
    const row = await tx.policyVersion.create({
      data: {
        id: newId(),
        tenantId,
        version: (last?.version ?? 0) + 1,
        rules: rules as unknown as Prisma.InputJsonValue,
        comment,
        createdById: actor ? `${actor.type}:${actor.id}` : null,
      },
    });
    return toStored(row);
  }
}

function toStored(row: { version: number; rules: unknown; comment: string; createdAt: Date; createdById: string | null }): StoredPolicy {
  return { version: row.version, rules: row.rules as PolicyRule[], comment: row.comment, createdAt: row.createdAt, createdById: row.createdById };
}
