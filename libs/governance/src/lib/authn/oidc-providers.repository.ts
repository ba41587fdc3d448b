import { Injectable } from '@nestjs/common';
import { newId, RequestContextStore } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';

export interface OidcProviderInput {
  issuer: string;
  audience: string;
  jwksUri?: string | null;
  algorithms: string[];
  rolesClaim: string;
  roleMapping: Record<string, string[]>;
  defaultRoles: string[];
  enabled: boolean;
}

/** The only code that touches `oidc_provider`. */
@Injectable()
export class OidcProvidersRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Authentication: the enabled providers for a token's issuer, across tenants (the audience picks one). */
  forIssuer(issuer: string) {
    return this.prisma.oidcProvider.findMany({ where: { issuer, enabled: true } });
  }

  find(id: string) {
    return this.prisma.oidcProvider.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }

  list(where: Prisma.OidcProviderWhereInput) {
    return this.prisma.oidcProvider.findMany({ where: { AND: [where, { tenantId: RequestContextStore.requireTenantId() }] }, orderBy: { id: 'asc' } });
  }

  create(input: OidcProviderInput, tx: Prisma.TransactionClient) {
    return tx.oidcProvider.create({
      data: { id: newId(), tenantId: RequestContextStore.requireTenantId(), ...input, roleMapping: input.roleMapping as Prisma.InputJsonValue },
    });
  }

  update(id: string, input: Partial<OidcProviderInput>, tx: Prisma.TransactionClient) {
    const { roleMapping, ...rest } = input;
    return tx.oidcProvider.update({
      where: { id, tenantId: RequestContextStore.requireTenantId() },
      data: { ...rest, ...(roleMapping ? { roleMapping: roleMapping as Prisma.InputJsonValue } : {}) },
    });
  }

  remove(id: string, tx: Prisma.TransactionClient) {
    return tx.oidcProvider.delete({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }
}
