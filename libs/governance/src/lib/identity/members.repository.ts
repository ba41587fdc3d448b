import { Injectable } from '@nestjs/common';
import { newId, RequestContextStore } from '@strata/kernel';
import { PrismaService, type Prisma } from '@strata/db';

export interface MemberRow {
  id: string;
  tenantId: string;
  userId: string;
  roles: string[];
  createdAt: Date;
  updatedAt: Date;
  user: { id: string; email: string | null; displayName: string; disabledAt: Date | null };
}

/** The only code that touches `app_user`, `user_identity` and `membership`. Reads are scoped to the context's tenant through memberships. */
@Injectable()
export class MembersRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(membershipId: string): Promise<MemberRow | null> {
    const membership = await this.prisma.membership.findFirst({ where: { id: membershipId, tenantId: RequestContextStore.requireTenantId() } });
    return membership ? this.withUser(membership) : null;
  }

  async list(where: Prisma.MembershipWhereInput, limit: number, cursor?: string): Promise<MemberRow[]> {
    const memberships = await this.prisma.membership.findMany({
      where: { AND: [where, { tenantId: RequestContextStore.requireTenantId() }, cursor ? { id: { gt: cursor } } : {}] },
      orderBy: { id: 'asc' },
      take: limit,
    });
    const users = await this.prisma.user.findMany({ where: { id: { in: memberships.map((m) => m.userId) } } });
    const byId = new Map(users.map((user) => [user.id, user]));
    return memberships.map((membership) => ({ ...membership, user: byId.get(membership.userId) as MemberRow['user'] }));
  }

  /** Finds or creates the user by email, then adds the membership (unique per tenant and user). */
  async add(input: { email: string; displayName: string; roles: string[] }, tx: Prisma.TransactionClient): Promise<MemberRow> {
    const tenantId = RequestContextStore.requireTenantId();
    const user =
      (await tx.user.findUnique({ where: { email: input.email } })) ??
      (await tx.user.create({ data: { id: newId(), email: input.email, displayName: input.displayName } }));
    const membership = await tx.membership.create({ data: { id: newId(), tenantId, userId: user.id, roles: input.roles } });
    return { ...membership, user };
  }

  async updateRoles(membershipId: string, roles: string[], tx: Prisma.TransactionClient): Promise<MemberRow> {
    const membership = await tx.membership.update({
      where: { id: membershipId, tenantId: RequestContextStore.requireTenantId() },
      data: { roles },
    });
    return this.withUser(membership, tx);
  }

  async remove(membershipId: string, tx: Prisma.TransactionClient): Promise<void> {
    await tx.membership.delete({ where: { id: membershipId, tenantId: RequestContextStore.requireTenantId() } });
  }

  /** Authentication: the user's roles in a tenant, or null when not a member. */
  async membershipForAuthentication(userId: string, tenantId: string) {
    const membership = await this.prisma.membership.findUnique({ where: { tenantId_userId: { tenantId, userId } } });
    if (!membership) return null;
    const user = await this.prisma.user.findUnique({ where: { id: userId } });
    return user ? { membership, user } : null;
  }

  /** OIDC: the user linked to (issuer, subject), created with the membership on first sign-in. */
  async provisionFromIdentity(
    input: { tenantId: string; issuer: string; subject: string; email?: string; displayName: string; roles: string[] },
  ): Promise<{ userId: string; roles: string[]; disabled: boolean }> {
    return this.prisma.$transaction(async (tx) => {
      const identity = await tx.userIdentity.findUnique({ where: { issuer_subject: { issuer: input.issuer, subject: input.subject } } });
      let userId = identity?.userId;
      if (!userId) {
        const byEmail = input.email ? await tx.user.findUnique({ where: { email: input.email } }) : null;
        const user = byEmail ?? (await tx.user.create({ data: { id: newId(), email: input.email ?? null, displayName: input.displayName } }));
        await tx.userIdentity.create({ data: { id: newId(), userId: user.id, issuer: input.issuer, subject: input.subject } });
        userId = user.id;
      }
      const user = await tx.user.findUniqueOrThrow({ where: { id: userId } });
      // The identity provider is the source of truth for roles: the membership mirrors the token.
      await tx.membership.upsert({
        where: { tenantId_userId: { tenantId: input.tenantId, userId } },
        create: { id: newId(), tenantId: input.tenantId, userId, roles: input.roles },
        update: { roles: input.roles },
      });
      return { userId, roles: input.roles, disabled: user.disabledAt !== null };
    });
  }

  private async withUser(
    membership: Omit<MemberRow, 'user'>,
    client: Prisma.TransactionClient = this.prisma,
  ): Promise<MemberRow> {
    const user = await client.user.findUniqueOrThrow({ where: { id: membership.userId } });
    return { ...membership, user };
  }
}
