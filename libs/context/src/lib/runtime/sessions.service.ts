import { Injectable } from '@nestjs/common';
import { Prisma } from '@strata/db';
import { ApprovalsService, AuditLog, AuthorizationService, MutationRunner, pageOf, type Page } from '@strata/governance';
import { isUuid, MissingRequestContextError, newId, parseInput, RequestContextStore } from '@strata/kernel';
import { AgentsService } from '../agents/agents.service';
import type { ContextReport } from '../assembly/context-assembly.contract';
import { RunEventBus } from './run-event-bus';
import { TERMINAL_RUN_STATUSES, type RunEventType } from './run.contract';
import { RUN_SUBJECT, SESSION_SUBJECT, TOOL_CALL_SUBJECT } from './runtime-permissions';
import { NotSessionUserError, RunAlreadyFinishedError, RunNotFoundError, SessionNotFoundError, StepNotFoundError } from './runtime.errors';
import { isTerminal, RuntimeRepository, type RunRow, type SessionRow } from './runtime.repository';
import { createSessionSchema, listRunsSchema, listSessionsSchema, postMessageSchema, stepIndexSchema } from './runtime.schemas';
import {
  pendingInputView,
  runSubject,
  sessionSubject,
  toEffectView,
  toEventView,
  toMessageView,
  toRunView,
  toSessionView,
  toStepView,
  type EffectView,
  type MessageView,
  type RunView,
  type SessionView,
  type StepView,
} from './run-views';

export interface SessionDetailView extends SessionView {
  messages: MessageView[];
  /** Runs not finished yet (their user messages join the conversation when they start). */
  activeRuns: RunView[];
}

export interface RunDetailView extends RunView {
  stepsDetail: StepView[];
  effects: EffectView[];
}

/**
 * Sessions and runs as the HTTP API sees them: a session belongs to the user who opened it, and
 * its runs act for that user. Posting a message creates a queued run; a worker executes it
 * (RunWorker). The session's row is locked while a message is posted, so the busy policy sees
 * the session's runs as they are.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly repository: RuntimeRepository,
    private readonly agents: AgentsService,
    private readonly authorization: AuthorizationService,
    private readonly runner: MutationRunner,
    private readonly audit: AuditLog,
    private readonly bus: RunEventBus,
    private readonly approvals: ApprovalsService,
  ) {}

  async createSession(raw: unknown): Promise<SessionView> {
    const input = parseInput(createSessionSchema, raw);
    const agent = await this.agents.get(input.agentId);
    const { actor, purpose } = RequestContextStore.require();
    if (!actor) throw new MissingRequestContextError('an actor');
    const record = { id: newId(), agentId: agent.id, userType: actor.type, userId: actor.id };
    await this.authorization.authorize('create', SESSION_SUBJECT, record);
    const row = await this.runner.run('context.session.create', async (tx) => {
      const created = await this.repository.createSession(
        { ...record, title: input.title ?? '', purpose: input.purpose ?? purpose ?? agent.spec.defaultPurpose },
        tx,
      );
      await this.audit.append({ action: 'context.session.create', outcome: 'success', target: { type: SESSION_SUBJECT, id: created.id }, details: { agentId: agent.id } }, tx);
      return created;
    });
    return toSessionView(row);
  }

  async listSessions(raw: unknown): Promise<Page<SessionView>> {
    const query = parseInput(listSessionsSchema, raw);
    const access = (await this.authorization.accessibleWhere('read', SESSION_SUBJECT)) as Prisma.ContextSessionWhereInput;
    const rows = await this.repository.listSessions({ AND: [access, query.agentId ? { agentId: query.agentId } : {}] }, query.limit, query.cursor);
    return pageOf(rows.map(toSessionView), query.limit);
  }

  async getSession(id: string): Promise<SessionDetailView> {
    const session = await this.readableSession(id);
    const [messages, active] = await Promise.all([
      this.repository.conversation(id),
      this.repository.listRuns({ sessionId: id, status: { notIn: [...TERMINAL_RUN_STATUSES] } }, 100),
    ]);
    return { ...toSessionView(session), messages: messages.map(toMessageView), activeRuns: active.reverse().map(toRunView) };
  }

  /**
   * A user message: a new queued run. When a run of the session is active, the policy decides:
   * `queue` waits for it; `interrupt` cancels it (at its next checkpoint if running) and the new
   * run starts once it ended.
   */
  async postMessage(sessionId: string, raw: unknown): Promise<{ message: MessageView; run: RunView }> {
    const input = parseInput(postMessageSchema, raw);
    const session = await this.findSession(sessionId);
    await this.authorization.authorize('message', SESSION_SUBJECT, sessionSubject(session));
    const { actor } = RequestContextStore.require();
    if (!actor || actor.type !== session.userType || actor.id !== session.userId) throw new NotSessionUserError(sessionId);
    const agent = await this.agents.get(session.agentId);
    const policy = input.policy ?? agent.spec.busyPolicy;
    const interrupted: string[] = [];
    const afterCommit: Array<() => void> = [];
    const { run, events } = await this.runner.run('context.run.create', async (tx) => {
      await this.repository.lockSession(sessionId, tx);
      const events: Array<{ runId: string; type: RunEventType; data: Record<string, unknown> }> = [];
      const active = await this.repository.activeRuns(sessionId, tx);
      if (policy === 'interrupt') {
        for (const other of active) {
          await this.cancelInTx(other, 'interrupted by a newer message', tx, events, afterCommit);
          interrupted.push(other.id);
        }
      }
      const run = await this.repository.createRun(
        {
          id: newId(),
          sessionId,
          agentId: agent.id,
          agentVersion: agent.version,
          agentName: agent.name,
          spec: agent.spec as unknown as Prisma.InputJsonValue,
          status: 'queued',
          purpose: session.purpose,
          onBehalfOfType: session.userType,
          onBehalfOfId: session.userId,
          onBehalfOfRoles: [...(actor.roles ?? [])],
          inputMessageId: newId(),
          input: input.content,
        },
        tx,
      );
      events.push({ runId: run.id, type: 'run.status', data: { status: 'queued', behind: policy === 'queue' ? active.map((other) => other.id) : [] } });
      await this.audit.append(
        { action: 'context.run.create', outcome: 'success', target: { type: RUN_SUBJECT, id: run.id }, details: { sessionId, agentId: agent.id, agentVersion: agent.version, policy, interrupted } },
        tx,
      );
      const written = [];
      for (const event of events) written.push(...(await this.repository.appendEvents(event.runId, [{ type: event.type, data: event.data }], tx)));
      return { run, events: written };
    });
    for (const event of events) this.bus.publish(toEventView(event));
    for (const id of interrupted) this.bus.cancelRequested(id);
    this.bus.wake();
    return { message: pendingInputView(run), run: toRunView(run) };
  }

  async listRuns(raw: unknown): Promise<Page<RunView>> {
    const query = parseInput(listRunsSchema, raw);
    const access = (await this.authorization.accessibleWhere('read', RUN_SUBJECT)) as Prisma.ContextRunWhereInput;
    const filters: Prisma.ContextRunWhereInput = {
      ...(query.sessionId ? { sessionId: query.sessionId } : {}),
      ...(query.agentId ? { agentId: query.agentId } : {}),
      ...(query.status ? { status: query.status } : {}),
    };
    const rows = await this.repository.listRuns({ AND: [access, filters] }, query.limit, query.cursor);
    return pageOf(rows.map(toRunView), query.limit);
  }

  async getRun(id: string): Promise<RunDetailView> {
    const run = await this.readableRun(id);
    const [steps, calls, effects] = await Promise.all([this.repository.steps(id), this.repository.toolCalls(id), this.repository.effects(id)]);
    return { ...toRunView(run), stepsDetail: steps.map((step) => toStepView(step, calls)), effects: effects.map(toEffectView) };
  }

  /** The context report of one step: what was included, why, how many tokens. */
  async stepContext(id: string, rawIndex: unknown): Promise<{ runId: string; stepIndex: number; report: ContextReport; messages: unknown }> {
    await this.readableRun(id);
    const index = parseInput(stepIndexSchema, rawIndex);
    const step = await this.repository.step(id, index);
    if (!step) throw new StepNotFoundError(id, index);
    return { runId: id, stepIndex: index, report: step.report as unknown as ContextReport, messages: step.messages };
  }

  async cancelRun(id: string): Promise<RunView> {
    const run = await this.findRun(id);
    await this.authorization.authorize('cancel', RUN_SUBJECT, runSubject(run));
    const afterCommit: Array<() => void> = [];
    const { row, events } = await this.runner.run('context.run.cancel', async (tx) => {
      const locked = await this.repository.lockRun(id, tx);
      if (!locked) throw new RunNotFoundError(id);
      if (isTerminal(locked.status)) throw new RunAlreadyFinishedError(id, locked.status);
      const events: Array<{ runId: string; type: RunEventType; data: Record<string, unknown> }> = [];
      const row = await this.cancelInTx(locked, 'cancelled by a user', tx, events, afterCommit);
      const written = [];
      for (const event of events) written.push(...(await this.repository.appendEvents(event.runId, [{ type: event.type, data: event.data }], tx)));
      return { row, events: written };
    });
    for (const publish of afterCommit) publish();
    for (const event of events) this.bus.publish(toEventView(event));
    this.bus.cancelRequested(id);
    this.bus.wake();
    return toRunView(row);
  }

  /**
   * A run that is not running ends now; a running one is flagged and its worker ends it at its next
   * checkpoint. A suspended run's pending approval (its tool call's or its budget extension's) is
   * withdrawn with it, so no approver is left deciding for a run that will never resume.
   */
  private async cancelInTx(
    run: RunRow,
    why: string,
    tx: Prisma.TransactionClient,
    events: Array<{ runId: string; type: RunEventType; data: Record<string, unknown> }>,
    afterCommit: Array<() => void>,
  ): Promise<RunRow> {
    if (run.status === 'running') {
      const row = await this.repository.updateRun(run.id, { cancelRequested: true, cancelReason: why }, tx);
      await this.audit.append({ action: 'context.run.cancel_requested', outcome: 'success', target: { type: RUN_SUBJECT, id: run.id }, reason: why }, tx);
      return row;
    }
    const reason = { code: 'context.cancelled', message: why };
    if (run.waitingApprovalId) {
      const subject = run.waitingKind === 'budget_extension' ? { type: RUN_SUBJECT, id: run.id } : await this.waitingCallSubject(run, tx);
      if (subject) {
        const withdrawal = await this.approvals.withdrawForSubject(run.waitingApprovalId, subject, `the agent run was ${why}`, tx);
        afterCommit.push(withdrawal.publish);
      }
    }
    const row = await this.repository.updateRun(
      run.id,
      { status: 'cancelled', cancelRequested: true, cancelReason: why, reason, finishedAt: new Date(), leaseOwner: null, leaseExpiresAt: null, waitingApprovalId: null, waitingKind: null },
      tx,
    );
    events.push({ runId: run.id, type: 'run.status', data: { status: 'cancelled', reason } });
    events.push({ runId: run.id, type: 'run.failed', data: { status: 'cancelled', reason } });
    await this.audit.append({ action: 'context.run.cancelled', outcome: 'success', target: { type: RUN_SUBJECT, id: run.id }, reason: why }, tx);
    return row;
  }

  /** The approval subject of the tool call a suspended run waits on (its idempotency key). */
  private async waitingCallSubject(run: RunRow, tx: Prisma.TransactionClient): Promise<{ type: string; id: string } | null> {
    const calls = await this.repository.toolCalls(run.id, tx);
    const waiting = calls.find((call) => call.approvalId === run.waitingApprovalId);
    return waiting ? { type: TOOL_CALL_SUBJECT, id: waiting.idempotencyKey } : null;
  }

  /** The run, if the caller may read it (404 across tenants, 403 for another user's run). */
  async readableRun(id: string): Promise<RunRow> {
    const run = await this.findRun(id);
    await this.authorization.authorize('read', RUN_SUBJECT, runSubject(run));
    return run;
  }

  async authorizeRun(action: string, run: RunRow): Promise<void> {
    await this.authorization.authorize(action, RUN_SUBJECT, runSubject(run));
  }

  async findRun(id: string): Promise<RunRow> {
    const run = isUuid(id) ? await this.repository.findRun(id) : null;
    if (!run) throw new RunNotFoundError(id);
    return run;
  }

  private async findSession(id: string): Promise<SessionRow> {
    const session = isUuid(id) ? await this.repository.findSession(id) : null;
    if (!session) throw new SessionNotFoundError(id);
    return session;
  }

  private async readableSession(id: string): Promise<SessionRow> {
    const session = await this.findSession(id);
    await this.authorization.authorize('read', SESSION_SUBJECT, sessionSubject(session));
    return session;
  }
}
