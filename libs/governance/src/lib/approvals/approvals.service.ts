import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, MissingRequestContextError, RequestContextStore, withSpan, type Actor, type Clock } from '@strata/kernel';
import { Prisma, PrismaService, type ApprovalRequestModel as ApprovalRequest } from '@strata/db';
import { AuditLog } from '../audit/audit-log.service';
import { AuthorizationService } from '../authz/authorization.service';
import { GovernanceError } from '../governance.errors';
import { pageOf, type Page } from '../http/paging';
import { approvalArgumentsHash, type ApprovedAction } from './approval-arguments-hash';
import { approvalEligibility } from './approval-eligibility';
import { approvalEvent, ApprovalEvents } from './approval-events';
import {
  approvedActionSchema,
  cancelApprovalSchema,
  commentApprovalSchema,
  createApprovalSchema,
  decideApprovalSchema,
  listApprovalsSchema,
  parseApprovalInput,
  type ApprovalStatus,
} from './approval-input';
import {
  authorizationRecord,
  toApprovalView,
  toDetailView,
  toListItem,
  type ApprovalCommentView,
  type ApprovalDetailView,
  type ApprovalListItem,
  type ApprovalView,
} from './approval-view';
import {
  ApprovalAlreadyDecidedByYouError,
  ApprovalAlreadyExecutedError,
  ApprovalArgumentsMismatchError,
  ApprovalExpiredError,
  ApprovalNotApprovedError,
  ApprovalNotEligibleError,
  ApprovalNotFoundError,
  ApprovalNotPendingError,
  ApprovalNotRequesterError,
  ApprovalSelfDecisionError,
  InvalidApprovalInputError,
} from './approvals.errors';
import { ApprovalsRepository } from './approvals.repository';

const SUBJECT = 'ApprovalRequest';

/** Row-locking transactions wait this long for a busy request, then fail rather than pile up. */
const LOCKING_TRANSACTION = { maxWait: 10_000, timeout: 15_000 } as const;

/** At most this many ids per `statuses` call. */
const STATUS_BATCH_MAX = 1000;

/**
 * What `consumeForExecution` hands back. When the approvals service ran its own transaction the
 * `approval.executed` event is already published; when it joined the caller's, the caller calls
 * `publish()` once that transaction committed (calling it twice publishes once).
 */
export interface ExecutionReceipt {
  approval: ApprovalView;
  publish(): void;
}

export interface ApprovalStatusView {
  id: string;
  status: ApprovalStatus;
  decidedAt: Date | null;
  executedAt: Date | null;
  expiresAt: Date;
}

/**
 * Approvals: a principal asks for an exact action (its arguments bound by a hash), named approvers
 * decide it, and the executing layer redeems it once. Rules:
 * - quorum `n` approvals approve; one reject by an eligible approver rejects at once (a veto);
 * - the requester, and whoever an agent requested for, never decides it; agents never decide;
 * - decisions, cancels and executions lock the request's row, re-check status and expiry by the
 *   clock, so concurrent approvers never over-count and a late decision is refused;
 * - every mutation appends its audit entry in the same transaction and publishes its event after
 *   the commit; refusals of an approval rule are audited as `denied` or `failure`.
 */
@Injectable()
export class ApprovalsService {
  private readonly logger = new Logger('ApprovalsService');

  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: ApprovalsRepository,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly events: ApprovalEvents,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Asks for approval of an action; the requester is the context's actor, never the input. */
  async create(raw: unknown): Promise<ApprovalView> {
    const input = parseApprovalInput(createApprovalSchema, raw);
    const { actor, onBehalfOf, purpose } = principal();
    this.checkQuorumReachable(input.quorum, input.approverUserIds, input.approverRoles.length > 0 || !!input.escalation, actor, onBehalfOf);
    const argumentsHash = approvalArgumentsHash(input);
    const subjectId = input.subjectId ?? null;
    return withSpan('approval.create', { 'strata.target.type': SUBJECT, 'strata.approval.action': input.action }, async () => {
      await this.authorization.authorize('create', SUBJECT, {
        requesterType: actor.type,
        requesterId: actor.id,
        action: input.action,
        subjectType: input.subjectType,
        subjectId,
        purpose: purpose ?? null,
      });
      const now = this.clock.now();
      const row = await this.prisma.$transaction(async (tx) => {
        const created = await this.repository.create(
          {
            action: input.action,
            subjectType: input.subjectType,
            subjectId,
            summary: input.summary,
            arguments: input.arguments as Prisma.InputJsonValue,
            argumentsHash,
            requesterType: actor.type,
            requesterId: actor.id,
            onBehalfOfType: onBehalfOf?.type ?? null,
            onBehalfOfId: onBehalfOf?.id ?? null,
            approverRoles: input.approverRoles,
            approverUserIds: input.approverUserIds,
            quorum: input.quorum,
            purpose: purpose ?? null,
            expiresAt: new Date(now.getTime() + input.expiresInSeconds * 1000),
            escalateAt: input.escalation ? new Date(now.getTime() + input.escalation.afterSeconds * 1000) : null,
            escalateToRole: input.escalation?.toRole ?? null,
            createdAt: now,
          },
          tx,
        );
        await this.audit.append(
          {
            action: 'approval.create',
            outcome: 'success',
            target: { type: SUBJECT, id: created.id },
            approvalId: created.id,
            details: {
              action: created.action,
              subjectType: created.subjectType,
              subjectId: created.subjectId,
              argumentsHash,
              quorum: created.quorum,
              approverRoles: created.approverRoles,
              approverUserIds: created.approverUserIds,
              expiresAt: created.expiresAt.toISOString(),
              escalateAt: created.escalateAt?.toISOString() ?? null,
              escalateToRole: created.escalateToRole,
            },
          },
          tx,
        );
        return created;
      });
      this.events.publish([approvalEvent('approval.requested', row, now)]);
      return toApprovalView(row);
    });
  }

  /** One request with its decisions and comments. Another tenant's id is not found. */
  async get(id: string): Promise<ApprovalDetailView> {
    const row = await this.readable(id);
    return this.detail(row);
  }

  /** Newest first, filtered by the caller's read permission; `forMe`: pending requests the caller may decide now. */
  async list(raw: unknown): Promise<Page<ApprovalListItem>> {
    const query = parseApprovalInput(listApprovalsSchema, raw);
    const { actor } = principal();
    if (query.forMe && (actor.type === 'agent' || actor.type === 'system')) return { items: [], nextCursor: null };
    const access = (await this.authorization.accessibleWhere('read', SUBJECT)) as Prisma.ApprovalRequestWhereInput;
    const rows = await this.repository.list(
      {
        status: query.status,
        requestedBy: query.mine ? actor : undefined,
        decidableBy: query.forMe ? { actor, now: this.clock.now() } : undefined,
        cursor: query.cursor,
        limit: query.limit,
      },
      access,
    );
    return pageOf(rows.map(toListItem), query.limit);
  }

  /**
   * Records the caller's decision. Approve counts toward the quorum and approves when it is met;
   * reject rejects at once. 409 when the request is no longer pending, has expired (even if the
   * sweeper has not marked it yet) or the caller already decided it.
   */
  async decide(id: string, raw: unknown): Promise<ApprovalDetailView> {
    const input = parseApprovalInput(decideApprovalSchema, raw);
    const { actor, onBehalfOf } = principal();
    return withSpan('approval.decide', { 'strata.target.type': SUBJECT, 'strata.target.id': id, 'strata.approval.decision': input.decision }, () =>
      this.refusalsAudited('approval.decide', id, async () => {
        const found = await this.find(id);
        await this.authorization.authorize('decide', SUBJECT, authorizationRecord(found));
        const { row, now } = await this.inTransaction(id, input.decision, async (tx) => {
          const locked = await this.locked(id, tx);
          const at = this.clock.now();
          assertPending(locked, at);
          const eligibility = approvalEligibility(locked, actor, onBehalfOf);
          if (!eligibility.eligible) {
            throw eligibility.why === 'self' ? new ApprovalSelfDecisionError(id) : new ApprovalNotEligibleError(id, locked.approverRoles, locked.approverUserIds);
          }
          const previous = await this.repository.findDecisionBy(id, actor, tx);
          if (previous) throw new ApprovalAlreadyDecidedByYouError(id, previous.decision);
          await this.repository.addDecision({ approvalId: id, approver: actor, decision: input.decision, reason: input.reason, createdAt: at }, tx);
          // Counted under the row lock: a concurrent approver waits, then sees this decision.
          const approvals = await this.repository.countApprovals(id, tx);
          let updated = locked;
          if (input.decision === 'reject') updated = await this.repository.update(id, { status: 'rejected', decidedAt: at }, tx);
          else if (approvals >= locked.quorum) updated = await this.repository.update(id, { status: 'approved', decidedAt: at }, tx);
          await this.audit.append(
            {
              action: 'approval.decide',
              outcome: 'success',
              target: { type: SUBJECT, id },
              approvalId: id,
              reason: input.reason,
              details: { decision: input.decision, approvals, quorum: locked.quorum, status: updated.status },
            },
            tx,
          );
          return { row: updated, now: at };
        });
        if (row.status === 'approved') this.events.publish([approvalEvent('approval.approved', row, now)]);
        if (row.status === 'rejected') this.events.publish([approvalEvent('approval.rejected', row, now)]);
        return this.detail(row);
      }),
    );
  }

  /** Adds a comment (any status: discussion may continue after the decision). */
  async comment(id: string, raw: unknown): Promise<ApprovalCommentView> {
    const input = parseApprovalInput(commentApprovalSchema, raw);
    const { actor } = principal();
    return withSpan('approval.comment', { 'strata.target.type': SUBJECT, 'strata.target.id': id }, async () => {
      const found = await this.find(id);
      await this.authorization.authorize('comment', SUBJECT, authorizationRecord(found));
      const comment = await this.prisma.$transaction(async (tx) => {
        const created = await this.repository.addComment({ approvalId: id, author: actor, body: input.body, createdAt: this.clock.now() }, tx);
        await this.audit.append(
          { action: 'approval.comment', outcome: 'success', target: { type: SUBJECT, id }, approvalId: id, details: { commentId: created.id, length: input.body.length } },
          tx,
        );
        return created;
      });
      return { id: comment.id, author: { type: comment.authorType, id: comment.authorId }, body: comment.body, createdAt: comment.createdAt };
    });
  }

  /** Withdraws a pending request (its requester, or whoever policy allows to cancel). */
  async cancel(id: string, raw: unknown): Promise<ApprovalDetailView> {
    const input = parseApprovalInput(cancelApprovalSchema, raw);
    return withSpan('approval.cancel', { 'strata.target.type': SUBJECT, 'strata.target.id': id }, () =>
      this.refusalsAudited('approval.cancel', id, async () => {
        const found = await this.find(id);
        await this.authorization.authorize('cancel', SUBJECT, authorizationRecord(found));
        const { row, now } = await this.inTransaction(id, undefined, async (tx) => {
          const locked = await this.locked(id, tx);
          const at = this.clock.now();
          assertPending(locked, at);
          const updated = await this.repository.update(id, { status: 'cancelled', decidedAt: at }, tx);
          await this.audit.append(
            { action: 'approval.cancel', outcome: 'success', target: { type: SUBJECT, id }, approvalId: id, reason: input.reason, details: { status: 'cancelled' } },
            tx,
          );
          return { row: updated, now: at };
        });
        this.events.publish([approvalEvent('approval.cancelled', row, now)]);
        return this.detail(row);
      }),
    );
  }

  /**
   * For the layer that owns an approval's subject, when that subject goes away (a cancelled agent
   * run whose call or budget waited on it): withdraws the request inside the caller's transaction,
   * if it is still pending and is about exactly `subject`. No CASL check here: the caller has
   * authorized the operation on the subject (e.g. `cancel` on the run), and the withdrawal is part
   * of it — audited as `approval.cancel` with the caller as actor. Returns whether it withdrew;
   * call `publish()` after the transaction commits. A decided or expired request is left alone.
   */
  async withdrawForSubject(
    approvalId: string,
    subject: { type: string; id: string },
    reason: string,
    tx: Prisma.TransactionClient,
  ): Promise<{ withdrawn: boolean; publish: () => void }> {
    return withSpan('approval.withdraw', { 'strata.target.type': SUBJECT, 'strata.target.id': approvalId }, async () => {
      const row = await this.repository.lock(approvalId, tx);
      const at = this.clock.now();
      if (!row || row.status !== 'pending' || row.expiresAt <= at || row.subjectType !== subject.type || row.subjectId !== subject.id) {
        return { withdrawn: false, publish: () => undefined };
      }
      const updated = await this.repository.update(approvalId, { status: 'cancelled', decidedAt: at }, tx);
      await this.audit.append(
        { action: 'approval.cancel', outcome: 'success', target: { type: SUBJECT, id: approvalId }, approvalId, reason, details: { status: 'cancelled', withdrawnWith: subject } },
        tx,
      );
      let published = false;
      return {
        withdrawn: true,
        publish: () => {
          if (published) return;
          published = true;
          this.events.publish([approvalEvent('approval.cancelled', updated, at)]);
        },
      };
    });
  }

  /**
   * For the layer that executes an approved action, right before it does: verifies that the request
   * is approved, unexpired, not yet executed, asked for by the calling principal, and that the
   * action presented hashes exactly to the approved one; then marks it executed (once) and audits
   * `approval.execute`. Pass `tx` to make that part of the caller's transaction (then call
   * `receipt.publish()` after it commits).
   *
   * Bound to the requester, and not to a CASL `execute` grant: this runs inside the caller's
   * transaction, where a permission check writing its decision on another connection would wait
   * on that very transaction (the embedded database serializes connections).
   */
  async consumeForExecution(approvalId: string, intended: ApprovedAction, tx?: Prisma.TransactionClient): Promise<ExecutionReceipt> {
    const presented = parseApprovalInput(approvedActionSchema, intended);
    const presentedHash = approvalArgumentsHash(presented);
    const { actor } = principal();
    return withSpan('approval.execute', { 'strata.target.type': SUBJECT, 'strata.target.id': approvalId }, async () => {
      const consume = async (client: Prisma.TransactionClient) => {
        const locked = await this.locked(approvalId, client);
        const now = this.clock.now();
        if (locked.status === 'executed') throw new ApprovalAlreadyExecutedError(approvalId, locked.executedAt);
        if (locked.status !== 'approved') throw new ApprovalNotApprovedError(approvalId, locked.status);
        if (now.getTime() >= locked.expiresAt.getTime()) throw new ApprovalExpiredError(approvalId, locked.expiresAt);
        if (locked.requesterType !== actor.type || locked.requesterId !== actor.id) throw new ApprovalNotRequesterError(approvalId);
        if (presentedHash !== locked.argumentsHash) throw new ApprovalArgumentsMismatchError(approvalId, locked.argumentsHash, presentedHash);
        const updated = await this.repository.update(approvalId, { status: 'executed', executedAt: now }, client);
        await this.audit.append(
          {
            action: 'approval.execute',
            outcome: 'success',
            target: { type: SUBJECT, id: approvalId },
            approvalId,
            details: { action: updated.action, subjectType: updated.subjectType, subjectId: updated.subjectId, argumentsHash: presentedHash },
          },
          client,
        );
        return { row: updated, now };
      };
      const { row, now } = tx
        ? await this.refusalsAudited('approval.execute', approvalId, () => consume(tx), tx)
        : await this.refusalsAudited('approval.execute', approvalId, () => this.prisma.$transaction(consume, LOCKING_TRANSACTION));
      let published = false;
      const receipt: ExecutionReceipt = {
        approval: toApprovalView(row),
        publish: () => {
          if (published) return;
          published = true;
          this.events.publish([approvalEvent('approval.executed', row, now)]);
        },
      };
      if (!tx) receipt.publish();
      return receipt;
    });
  }

  /**
   * Current status of requests by id: the durable record a consumer in another process (or after
   * a restart) polls for the runs it suspended. Ids it cannot read or that do not exist are absent.
   */
  async statuses(ids: readonly string[]): Promise<ApprovalStatusView[]> {
    if (ids.length > STATUS_BATCH_MAX) {
      throw new InvalidApprovalInputError(`Ask for at most ${STATUS_BATCH_MAX} approval statuses at once.`, [{ path: 'ids', message: `at most ${STATUS_BATCH_MAX}` }]);
    }
    const access = (await this.authorization.accessibleWhere('read', SUBJECT)) as Prisma.ApprovalRequestWhereInput;
    const rows = await this.repository.statuses(ids, access);
    return rows.map((row) => ({ ...row, status: row.status as ApprovalStatus }));
  }

  private async find(id: string): Promise<ApprovalRequest> {
    const row = await this.repository.find(id);
    if (!row) throw new ApprovalNotFoundError(id);
    return row;
  }

  private async readable(id: string): Promise<ApprovalRequest> {
    const row = await this.find(id);
    await this.authorization.authorize('read', SUBJECT, authorizationRecord(row));
    return row;
  }

  private async locked(id: string, tx: Prisma.TransactionClient): Promise<ApprovalRequest> {
    const row = await this.repository.lock(id, tx);
    if (!row) throw new ApprovalNotFoundError(id);
    return row;
  }

  private async detail(row: ApprovalRequest): Promise<ApprovalDetailView> {
    const [decisions, comments] = await Promise.all([this.repository.decisions(row.id), this.repository.comments(row.id)]);
    return toDetailView(row, decisions, comments);
  }

  /** A locking transaction; the unique (request, approver) key backs up the in-transaction check. */
  private async inTransaction<T>(id: string, decision: string | undefined, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    try {
      return await this.prisma.$transaction(work, LOCKING_TRANSACTION);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002' && decision) {
        throw new ApprovalAlreadyDecidedByYouError(id, decision);
      }
      throw error;
    }
  }

  /**
   * Runs `work`; when it breaks an approval rule, records the refusal in the audit log (`denied`
   * for the four-eyes, eligibility, requester and argument checks, `failure` for state conflicts)
   * and rethrows. With the caller's `tx` the entry joins that transaction: it is kept if the caller
   * commits. Unknown ids and bad input are not audited (nothing to attach them to).
   */
  private async refusalsAudited<T>(action: string, approvalId: string, work: () => Promise<T>, tx?: Prisma.TransactionClient): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof GovernanceError && error.code.startsWith('governance.approval_') && error.kind !== 'not_found' && error.kind !== 'invalid_argument') {
        try {
          await this.audit.append(
            {
              action,
              outcome: error.kind === 'permission_denied' ? 'denied' : 'failure',
              target: { type: SUBJECT, id: approvalId },
              approvalId,
              reason: error.message.slice(0, 2000),
              details: { code: error.code },
            },
            tx,
          );
        } catch (auditError) {
          this.logger.error({ err: auditError, approvalId, action }, 'could not audit a refused approval operation');
        }
      }
      throw error;
    }
  }

  /** Named users only (no role, no escalation): the quorum must be reachable without the requester. */
  private checkQuorumReachable(quorum: number, userIds: readonly string[], hasRoles: boolean, actor: Actor, onBehalfOf?: Actor): void {
    if (hasRoles) return;
    const requesters = new Set([actor, onBehalfOf].filter((p): p is Actor => p?.type === 'user').map((p) => p.id));
    const eligible = userIds.filter((id) => !requesters.has(id)).length;
    if (quorum > eligible) {
      throw new InvalidApprovalInputError(`quorum ${quorum} can never be met: only ${eligible} of the named approvers may decide (the requester never counts).`, [
        { path: 'quorum', message: `must be at most ${eligible}, the named approvers other than the requester` },
      ]);
    }
  }
}

function principal(): { actor: Actor; onBehalfOf?: Actor; purpose?: string } {
  const context = RequestContextStore.require();
  if (!context.actor) throw new MissingRequestContextError('an authenticated principal');
  return { actor: context.actor, onBehalfOf: context.onBehalfOf, purpose: context.purpose };
}

/** Pending and not past its expiry by the clock (the sweeper may not have marked it yet). */
function assertPending(row: ApprovalRequest, now: Date): void {
  if (row.status === 'expired') throw new ApprovalExpiredError(row.id, row.expiresAt);
  if (row.status !== 'pending') throw new ApprovalNotPendingError(row.id, row.status);
  if (now.getTime() >= row.expiresAt.getTime()) throw new ApprovalExpiredError(row.id, row.expiresAt);
}
