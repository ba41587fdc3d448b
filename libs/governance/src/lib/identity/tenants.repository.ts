import { Injectable } from '@nestjs/common';
import { newId, RequestContextStore } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';

/** The only code that touches `tenant`. */
@Injectable()
export class TenantsRepository {
  constructor(private readonly prisma: PrismaService) {}

  current() {
    return this.prisma.tenant.findUnique({ where: { id: RequestContextStore.requireTenantId() } });
  }

  /** Used by bootstrap and the tenancy tests; tenants are created by platform operators, not tenants. */
  create(input: { slug: string; name: string }, tx: Prisma.TransactionClient = this.prisma) {
    return tx.tenant.create({ data: { id: newId(), slug: input.slug, name: input.name } });
  }

  count(): Promise<number> {
    return this.prisma.tenant.count();
  }

  bySlugOrId(value: string) {
    return this.prisma.tenant.findFirst({ where: /^[0-9a-f-]{36}$/.test(value) ? { id: value } : { slug: value } });
  }
}
