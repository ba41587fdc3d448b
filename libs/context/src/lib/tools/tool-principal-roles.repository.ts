import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@strata/db';
import { isUuid } from '@strata/kernel';

type Db = PrismaService | Prisma.TransactionClient;

export type PrincipalStanding =
  | { ok: true; roles: string[] }
  | { ok: false; code: string; reason: string };

interface StandingRow {
  found: boolean;
  roles: string[] | null;
  disabled: boolean;
  purpose_ok: boolean;
}

/**
 * Reads (never writes) who the agent acts for, at the moment of each tool call: their current roles
 * in the tenant (a membership or a service account), whether they are disabled, and whether the
 * run's purpose is still an active purpose of the tenant — one round trip, since it runs on every
 * tool call. Read fresh on every decision so a role revoked mid-run applies to the next call.
 * These are governance's tables, read here because governance exposes no roles-by-principal lookup
 * (authentication resolves roles from credentials).
 */
@Injectable()
export class ToolPrincipalRolesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** `db`: the caller's transaction when there is one (the embedded database has one connection). */
  async standing(tenantId: string, principal: { type: 'user' | 'service_account'; id: string }, purpose: string, db: Db = this.prisma): Promise<PrincipalStanding> {
    const unknown = principal.type === 'service_account' ? 'the service account the agent acts for is not in this tenant' : 'the user the agent acts for is not a member of this tenant';
    if (!isUuid(tenantId) || !isUuid(principal.id)) return { ok: false, code: 'context.tool_principal_unknown', reason: unknown };
    const purposeOk = Prisma.sql`EXISTS (SELECT 1 FROM purpose p WHERE p.tenant_id = ${tenantId}::uuid AND p.name = ${purpose} AND p.archived_at IS NULL) AS purpose_ok`;
    const rows =
      principal.type === 'service_account'
        ? await db.$queryRaw<StandingRow[]>(Prisma.sql`
            SELECT s.id IS NOT NULL AS found, s.roles, s.disabled_at IS NOT NULL AS disabled, ${purposeOk}
            FROM (SELECT 1) one LEFT JOIN service_account s ON s.id = ${principal.id}::uuid AND s.tenant_id = ${tenantId}::uuid`)
        : await db.$queryRaw<StandingRow[]>(Prisma.sql`
            SELECT m.id IS NOT NULL AS found, m.roles, COALESCE(u.disabled_at IS NOT NULL, true) AS disabled, ${purposeOk}
            FROM (SELECT 1) one
            LEFT JOIN membership m ON m.tenant_id = ${tenantId}::uuid AND m.user_id = ${principal.id}::uuid
            LEFT JOIN app_user u ON u.id = m.user_id`);
    const row = rows[0];
    if (!row?.found) return { ok: false, code: 'context.tool_principal_unknown', reason: unknown };
    if (row.disabled) return { ok: false, code: 'context.tool_principal_disabled', reason: `the ${principal.type === 'service_account' ? 'service account' : 'user'} the agent acts for is disabled` };
    if (!row.purpose_ok) return { ok: false, code: 'context.tool_purpose_unknown', reason: `purpose ${purpose} is not an active purpose of this tenant` };
    return { ok: true, roles: row.roles ?? [] };
  }
}
