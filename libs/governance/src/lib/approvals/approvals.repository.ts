import { Injectable } from '@nestjs/common';
import { newId, RequestContextStore, type Actor } from '@strata/kernel';
import {
  PrismaService,
  type ApprovalCommentModel as ApprovalComment,
  type ApprovalDecisionModel as ApprovalDecision,
  type ApprovalRequestModel as ApprovalRequest,
  type Prisma,
} from '@strata/db';
import type { ApprovalStatus } from './approval-input';

type Client = Prisma.TransactionClient | PrismaService;

export interface NewApprovalRow {
  action: string;
  subjectType: string;
  subjectId: string | null;
  summary: string;
  arguments: Prisma.InputJsonValue;
  argumentsHash: string;
  requesterType: string;
  requesterId: string;
  onBehalfOfType: string | null;
  onBehalfOfId: string | null;
  approverRoles: string[];
  approverUserIds: string[];
  quorum: number;
  purpose: string | null;
  expiresAt: Date;
  escalateAt: Date | null;
  escalateToRole: string | null;
  createdAt: Date;
}

export interface ApprovalListQuery {
  status?: ApprovalStatus;
  requestedBy?: Actor;
  /** Pending, not yet expired at `now`, decidable by this actor (not their own). */
  decidableBy?: { actor: Actor; now: Date };
  cursor?: string;
  limit: number;
}

/** A due row found by the sweeper: the only cross-tenant read, so it carries its tenant. */
export interface DueApproval {
  id: string;
  tenantId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The only code that touches `approval_request`, `approval_decision` and `approval_comment`.
 * Every method is scoped to the context's tenant, except the sweeper's `lockDue*`, which scan all
 * tenants by design and return each row's tenant.
 */
@Injectable()
export class ApprovalsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(row: NewApprovalRow, tx: Prisma.TransactionClient): Promise<ApprovalRequest> {
    return tx.approvalRequest.create({
      data: { id: newId(), tenantId: RequestContextStore.requireTenantId(), status: 'pending', ...row },
    });
  }

  /** A malformed id finds nothing (rather than a database cast error). */
  find(id: string, client: Client = this.prisma): Promise<ApprovalRequest | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return client.approvalRequest.findFirst({ where: { id, tenantId: RequestContextStore.requireTenantId() } });
  }

  /**
   * Locks the request's row until `tx` ends (SELECT … FOR UPDATE), then reads it: concurrent
   * decisions, cancels, executions and sweeps of one request run one after the other.
   */
  async lock(id: string, tx: Prisma.TransactionClient): Promise<ApprovalRequest | null> {
    if (!UUID.test(id)) return null;
    const tenantId = RequestContextStore.requireTenantId();
    const locked = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id::text AS id FROM approval_request WHERE id = ${id}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
    if (locked.length === 0) return null;
    return tx.approvalRequest.findFirst({ where: { id, tenantId } });
  }

  update(
    id: string,
    data: Pick<Prisma.ApprovalRequestUpdateInput, 'status' | 'decidedAt' | 'executedAt' | 'escalatedAt' | 'approverRoles'>,
    tx: Prisma.TransactionClient,
  ): Promise<ApprovalRequest> {
    return tx.approvalRequest.update({ where: { id, tenantId: RequestContextStore.requireTenantId() }, data });
  }

  decisions(approvalId: string, client: Client = this.prisma): Promise<ApprovalDecision[]> {
    return client.approvalDecision.findMany({
      where: { approvalId, tenantId: RequestContextStore.requireTenantId() },
      orderBy: { id: 'asc' },
    });
  }

  comments(approvalId: string, client: Client = this.prisma): Promise<ApprovalComment[]> {
    return client.approvalComment.findMany({
      where: { approvalId, tenantId: RequestContextStore.requireTenantId() },
      orderBy: { id: 'asc' },
      take: 500,
    });
  }

  findDecisionBy(approvalId: string, approver: Actor, tx: Prisma.TransactionClient): Promise<ApprovalDecision | null> {
    return tx.approvalDecision.findFirst({
      where: { approvalId, tenantId: RequestContextStore.requireTenantId(), approverType: approver.type, approverId: approver.id },
    });
  }

  addDecision(
    input: { approvalId: string; approver: Actor; decision: 'approve' | 'reject'; reason: string; createdAt: Date },
    tx: Prisma.TransactionClient,
  ): Promise<ApprovalDecision> {
    return tx.approvalDecision.create({
      data: {
        id: newId(),
        tenantId: RequestContextStore.requireTenantId(),
        approvalId: input.approvalId,
        approverType: input.approver.type,
        approverId: input.approver.id,
        decision: input.decision,
        reason: input.reason,
        createdAt: input.createdAt,
      },
    });
  }

  countApprovals(approvalId: string, tx: Prisma.TransactionClient): Promise<number> {
    return tx.approvalDecision.count({ where: { approvalId, tenantId: RequestContextStore.requireTenantId(), decision: 'approve' } });
  }

  addComment(input: { approvalId: string; author: Actor; body: string; createdAt: Date }, tx: Prisma.TransactionClient): Promise<ApprovalComment> {
    return tx.approvalComment.create({
      data: {
        id: newId(),
        tenantId: RequestContextStore.requireTenantId(),
        approvalId: input.approvalId,
        authorType: input.author.type,
        authorId: input.author.id,
        body: input.body,
        createdAt: input.createdAt,
      },
    });
  }

  /** Newest first; `cursor` is the last id of the previous page. `access` is the caller's authorization filter. */
  list(query: ApprovalListQuery, access: Prisma.ApprovalRequestWhereInput): Promise<ApprovalRequest[]> {
    const filters: Prisma.ApprovalRequestWhereInput[] = [access, { tenantId: RequestContextStore.requireTenantId() }];
    if (query.status) filters.push({ status: query.status });
    if (query.requestedBy) filters.push({ requesterType: query.requestedBy.type, requesterId: query.requestedBy.id });
    if (query.decidableBy) {
      const { actor, now } = query.decidableBy;
      filters.push(
        { status: 'pending', expiresAt: { gt: now } },
        { OR: [{ approverRoles: { hasSome: [...(actor.roles ?? [])] } }, ...(actor.type === 'user' ? [{ approverUserIds: { has: actor.id } }] : [])] },
        { NOT: { requesterType: actor.type, requesterId: actor.id } },
        // Spelled out with the null case: NOT over a NULL column would drop the row in SQL.
        { OR: [{ onBehalfOfId: null }, { NOT: { onBehalfOfType: actor.type, onBehalfOfId: actor.id } }] },
      );
    }
    if (query.cursor) filters.push({ id: { lt: query.cursor } });
    return this.prisma.approvalRequest.findMany({ where: { AND: filters }, orderBy: { id: 'desc' }, take: query.limit });
  }

  /** Current status of many requests at once (the durable feed a runtime polls). */
  statuses(
    ids: readonly string[],
    access: Prisma.ApprovalRequestWhereInput,
  ): Promise<Array<Pick<ApprovalRequest, 'id' | 'status' | 'decidedAt' | 'executedAt' | 'expiresAt'>>> {
    const valid = ids.filter((id) => UUID.test(id));
    return this.prisma.approvalRequest.findMany({
      where: { AND: [access, { id: { in: valid }, tenantId: RequestContextStore.requireTenantId() }] },
      select: { id: true, status: true, decidedAt: true, executedAt: true, expiresAt: true },
    });
  }

  /**
   * Pending requests of any tenant past their expiry, locked for `tx`. SKIP LOCKED: several
   * sweeping processes take disjoint rows, and a request being decided right now is left for the
   * next sweep instead of waited on.
   */
  lockDueForExpiry(now: Date, limit: number, tx: Prisma.TransactionClient): Promise<DueApproval[]> {
    return tx.$queryRaw<DueApproval[]>`
      SELECT id::text AS id, tenant_id::text AS "tenantId" FROM approval_request
      WHERE status = 'pending' AND expires_at <= ${now}
      ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
  }

  /** Pending, unexpired requests of any tenant whose escalation is due and not yet done, locked for `tx`. */
  lockDueForEscalation(now: Date, limit: number, tx: Prisma.TransactionClient): Promise<DueApproval[]> {
    return tx.$queryRaw<DueApproval[]>`
      SELECT id::text AS id, tenant_id::text AS "tenantId" FROM approval_request
      WHERE status = 'pending' AND escalate_at <= ${now} AND escalated_at IS NULL AND expires_at > ${now}
      ORDER BY escalate_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
  }
}
