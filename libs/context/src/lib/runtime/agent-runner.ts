import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CLOCK, currentTraceParent, isDomainError, newId, RequestContextStore, withSpan, type Clock, type RequestContext, type TraceParent } from '@strata/kernel';
import { Prisma, PrismaService } from '@strata/db';
import { ApprovalsService, AuditLog, type ExecutionReceipt } from '@strata/governance';
import { GenAiTelemetry } from '@strata/observability';
import { ModelGateway, type ChatMessage, type ToolCall, type ToolDefinition } from '@strata/model-gateway';
import { storedSpec } from '../agents/agent-record';
import type { AgentSpec } from '../agents/agent-spec';
import type { ConversationMessage } from '../assembly/context-assembly.contract';
import { ContextAssembler } from '../assembly/context-assembler';
import type { ToolCallPrincipal, ToolDescriptor, ToolInvocation, ToolOutcome } from '../tools/tool.contract';
import { ToolRegistry } from '../tools/tool-registry';
import { LeaseLostError, RunCancelRequestedError } from './runtime.errors';
import { RunEventBus } from './run-event-bus';
import { NO_FAULTS, RUN_FAULT_INJECTOR, type RunFaultInjector } from './run-fault-injection';
import type { RunEventType, RunStatus } from './run.contract';
import { toEventView } from './run-views';
import { RUN_SUBJECT, TOOL_CALL_SUBJECT } from './runtime-permissions';
import {
  assistantMessageOf,
  budgetExtensionUsd,
  distinctCallIds,
  idempotencyKeyOf,
  limitVerdict,
  toolMessageOf,
  withUntrustedNote,
  type RecordedModelOutput,
} from './run-transcript';
import { FusedCheckpointsRepository, type CheckpointEvent, type FusedCheckpointResult } from './fused-checkpoints.repository';
import { RuntimeRepository, type ClaimedRun, type RunRow, type StepRow, type ToolCallRow } from './runtime.repository';

/** A worker's hold on one run for one segment (claim to suspension, end, crash or lease loss). */
export interface RunLease {
  runId: string;
  owner: string;
  /** Aborted when the lease is lost, the run is cancelled here, or the worker shuts down. */
  signal: AbortSignal;
  abortReason(): 'lease_lost' | 'cancelled' | 'shutdown' | null;
}

type Emit = (type: RunEventType, data: Record<string, unknown>) => void;
/** Run columns a checkpoint's work changes: written with its events in the checkpoint's last statement. */
type Patch = (data: Prisma.ContextRunUncheckedUpdateManyInput) => void;
type Flow = 'continue' | 'stop';
/** A model step that asked for tools: its step and pending calls as just written (no read back). */
type ToolsNext = { step: StepRef; calls: ToolCallRow[]; early: EarlyCall | null };
/**
 * A step's first call, started while the step's checkpoint commits (AgentRunner.startEarly): its
 * span is open and a local read may already be running; nothing of it is written until released.
 */
interface EarlyCall {
  callId: string;
  /** The step is committed (go on to the decision and the call's checkpoint), or it is not (stop). */
  release(committed: boolean): void;
  flow: Promise<Flow>;
}
/** What the tool calls of a step need of it (a read row, or what the model step just wrote). */
type StepRef = Pick<StepRow, 'id' | 'index' | 'tokens' | 'costUsd'>;

/** A run that keeps failing on resume (a bug, a poisoned input) stops after this many worker attempts. */
export const MAX_RUN_ATTEMPTS = 25;
/** A checkpoint's transaction may hold a transactional tool's work; bounded all the same. */
const CHECKPOINT_TRANSACTION = { maxWait: 15_000, timeout: 60_000 } as const;
const TOOL_CALL_ACTION = 'context.tool_call';
const BUDGET_ACTION = 'context.run_budget_extension';
/** Budget extensions stay open this long, then expire (the run then ends as limit_exceeded). */
const BUDGET_APPROVAL_EXPIRES_S = 7 * 24 * 3600;

/**
 * The agent loop for one segment of a run: assemble context → model call through the gateway →
 * checkpoint → tool calls (decide → execute → checkpoint each) → repeat, until a final answer, a
 * limit, a suspension (approval, budget) or the loss of the lease. Every checkpoint locks the run's
 * row and checks this worker still holds the lease, so a worker that lost its lease cannot write;
 * resuming reads only what checkpoints committed, so a run continues from its last checkpoint.
 */
@Injectable()
export class AgentRunner {
  private readonly logger = new Logger('AgentRunner');

  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: RuntimeRepository,
    private readonly fused: FusedCheckpointsRepository,
    private readonly bus: RunEventBus,
    private readonly gateway: ModelGateway,
    private readonly tools: ToolRegistry,
    private readonly assembler: ContextAssembler,
    private readonly approvals: ApprovalsService,
    private readonly audit: AuditLog,
    private readonly telemetry: GenAiTelemetry,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(RUN_FAULT_INJECTOR) private readonly faults: RunFaultInjector = NO_FAULTS,
  ) {}

  /** Runs the claimed run until it suspends, ends, or the lease is gone. Never throws for the run's own failures. */
  async execute(claimed: ClaimedRun, lease: RunLease): Promise<void> {
    const run = await RequestContextStore.run({ requestId: newId(), tenantId: claimed.tenantId }, () => this.repository.findRun(claimed.id));
    if (!run) return;
    const roles = run.onBehalfOfRoles;
    const context: RequestContext = {
      requestId: newId(),
      tenantId: run.tenantId,
      // The agent acts, for the session's user and with that user's roles: never more than they may do.
      actor: { type: 'agent', id: run.agentId, roles },
      onBehalfOf: { type: run.onBehalfOfType as 'user', id: run.onBehalfOfId, roles },
      purpose: run.purpose,
    };
    await RequestContextStore.run(context, () =>
      this.telemetry.invokeAgent({ id: run.agentId, name: run.agentName, version: String(run.agentVersion), runId: run.id }, async (span) => {
        const spanTrace = span.span.spanContext().traceId;
        // Without a tracer provider (tracing off) the span is a no-op with an all-zero id.
        const traceId = /^0+$/.test(spanTrace) ? '' : spanTrace;
        if (traceId) RequestContextStore.update({ traceId });
        const segment = new Segment(run, lease, this.clock.now().getTime(), traceId, currentTraceParent());
        try {
          await this.segment(segment);
        } catch (error) {
          await this.segmentFailed(segment, error);
        }
      }),
    );
  }

  private async segmentFailed(segment: Segment, error: unknown): Promise<void> {
    if (error instanceof LeaseLostError || segment.lease.abortReason() === 'lease_lost' || segment.lease.abortReason() === 'shutdown') {
      this.logger.warn({ runId: segment.run.id, reason: segment.lease.abortReason() ?? 'lease_lost' }, 'run segment stopped: another worker resumes it');
      return;
    }
    if (error instanceof RunCancelRequestedError || segment.lease.abortReason() === 'cancelled') {
      await this.finish(segment, 'cancelled', { code: 'context.cancelled', message: segment.run.cancelReason ?? 'The run was cancelled.' }).catch(() => undefined);
      return;
    }
    if (isDomainError(error)) {
      await this.finish(segment, 'failed', { code: error.code, message: error.message }).catch(() => undefined);
      return;
    }
    // Unexpected (a database outage, a bug): leave the run to its lease, so another attempt resumes
    // it from the last checkpoint; MAX_RUN_ATTEMPTS bounds a run that fails the same way every time.
    this.logger.error({ err: error, runId: segment.run.id }, 'run segment failed unexpectedly; it resumes after its lease expires');
  }

  private async segment(segment: Segment): Promise<void> {
    const started = await this.checkpoint(segment, 'context.run.start', async (tx, locked, emit) => {
      if (!locked.inputWritten) {
        await this.repository.appendMessages(locked.sessionId, locked.id, [{ id: locked.inputMessageId, message: { role: 'user', content: locked.input }, untrusted: false }], tx);
      }
      const updated = await this.repository.updateRun(locked.id, { inputWritten: true, traceId: segment.traceId || locked.traceId }, tx);
      emit('run.status', { status: 'running', attempt: locked.attempts });
      await this.audit.append(
        { action: 'context.run.start', outcome: 'success', target: { type: RUN_SUBJECT, id: locked.id }, details: { attempt: locked.attempts, steps: locked.steps } },
        tx,
      );
      return updated;
    }, { honourCancel: false });
    segment.run = started;
    if (started.attempts > MAX_RUN_ATTEMPTS) {
      await this.finish(segment, 'failed', { code: 'context.too_many_attempts', message: `The run was resumed ${started.attempts} times without finishing.` });
      return;
    }
    const spec = storedSpec(started.spec);
    let descriptors: ToolDescriptor[];
    try {
      descriptors = await this.tools.resolve({ tenantId: started.tenantId, agentId: started.agentId, spec });
    } catch (error) {
      if (!isDomainError(error)) throw error;
      await this.finish(segment, 'failed', { code: error.code, message: error.message });
      return;
    }
    const byName = new Map(descriptors.map((descriptor) => [descriptor.name, descriptor]));
    const toolDefinitions: ToolDefinition[] = descriptors.map((d) => ({ name: d.name, description: d.description, parameters: d.parameters }));

    for (;;) {
      // After a fused checkpoint the run's state is what that statement returned under the row
      // lock, and the step is closed: no need to read either back. Otherwise read them.
      if (!segment.takeFreshState()) {
        const run = await this.repository.findRun(segment.run.id);
        if (!run || run.leaseOwner !== segment.lease.owner || run.status !== 'running') return;
        segment.run = run;
        if (run.cancelRequested) {
          await this.finish(segment, 'cancelled', { code: 'context.cancelled', message: run.cancelReason ?? 'The run was cancelled.' });
          return;
        }
        if (run.waitingKind === 'budget_extension' && run.waitingApprovalId) {
          if ((await this.resumeBudget(segment, spec)) === 'stop') return;
          continue;
        }
        const last = await this.repository.lastStep(run.id);
        if (last && last.status === 'tools') {
          if ((await this.runToolCalls(segment, last, byName)) === 'stop') return;
          continue;
        }
      }
      const run = segment.run;
      const verdict = limitVerdict(spec, { ...run, activeMs: segment.activeMs(this.clock) });
      if (verdict.kind === 'limit_exceeded') {
        await this.finish(segment, 'limit_exceeded', { code: verdict.code, message: verdict.message });
        return;
      }
      if (verdict.kind === 'budget') {
        await this.suspendForBudget(segment, spec, { code: verdict.code, message: verdict.message });
        return;
      }
      const next = await this.modelStep(segment, spec, toolDefinitions, byName);
      if (next === 'stop') return;
      if (next !== 'continue' && (await this.runToolCalls(segment, next.step, byName, next.calls, next.early)) === 'stop') return;
    }
  }

  // ---- a model step ----

  private async modelStep(segment: Segment, spec: AgentSpec, toolDefinitions: ToolDefinition[], byName: Map<string, ToolDescriptor>): Promise<Flow | ToolsNext> {
    const run = segment.run;
    const stepIndex = run.steps;
    const startedAt = this.clock.now();
    return withSpan(`agent_step ${stepIndex}`, { 'strata.run.id': run.id, 'strata.run.step': stepIndex }, async () => {
      const conversation = await this.conversationOf(segment);
      const remainingMs = Math.max(1, spec.limits.maxWallTimeMs - segment.activeMs(this.clock));
      const signal = AbortSignal.any([segment.lease.signal, AbortSignal.timeout(remainingMs)]);
      const assembled = await this.assembler.assemble({
        tenantId: run.tenantId,
        agentId: run.agentId,
        sessionId: run.sessionId,
        runId: run.id,
        stepIndex,
        spec,
        userId: run.onBehalfOfId,
        purpose: run.purpose,
        conversation,
        tools: toolDefinitions,
        signal,
      });
      const messages = withUntrustedNote(assembled.messages);
      let output: RecordedModelOutput;
      try {
        output = await this.callModel(run, spec, stepIndex, messages, toolDefinitions, signal);
      } catch (error) {
        return this.modelFailed(segment, spec, error, signal);
      }
      this.faults.reached('after_model');
      const final = output.toolCalls.length === 0;
      const tokens = output.usage.inputTokens + output.usage.outputTokens;
      const costUsd = output.route?.costUsd ?? 0;
      const events: CheckpointEvent[] = [
        { type: 'step.started', data: { stepIndex } },
        { type: 'context.assembled', data: { stepIndex, totalTokens: assembled.report.totalTokens, budgetTokens: assembled.report.budgetTokens } },
        { type: 'model.message', data: { stepIndex, content: output.content, toolCalls: output.toolCalls, usage: output.usage, route: output.route && { model: output.route.model, latencyMs: output.route.latencyMs } } },
        ...output.toolCalls.map((call): CheckpointEvent => ({ type: 'tool.call', data: { stepIndex, callId: call.id, name: call.name, arguments: call.arguments } })),
      ];
      const step = {
        id: newId(),
        index: stepIndex,
        messages,
        tools: toolDefinitions,
        report: assembled.report,
        output,
        tokens,
        costUsd,
        traceId: segment.traceId || null,
        startedAt,
      };
      const calls = output.toolCalls.map((call, position) => ({
        id: newId(),
        position,
        callId: call.id,
        name: call.name,
        argumentsRaw: call.arguments,
        idempotencyKey: idempotencyKeyOf(run.id, stepIndex, call.id),
      }));
      const assistant = { id: newId(), sessionId: run.sessionId, message: assistantMessageOf(output) };

      if (!final) {
        // The common step: one statement (FusedCheckpointsRepository), then straight on to its calls.
        const at = this.clock.now();
        const stepRef = { id: step.id, index: stepIndex, tokens, costUsd };
        const rows: ToolCallRow[] = calls.map((call) => ({ ...call, tenantId: run.tenantId, runId: run.id, stepIndex, status: 'pending', approvalId: null, outcome: null, createdAt: at, completedAt: null }));
        // The first call starts while the statement commits: a read tool's latency hides the commit's.
        const early = rows[0] ? this.startEarly(segment, stepRef, rows[0], byName) : null;
        try {
          const written = await withSpan('context.run.step', { 'strata.audit.action': 'context.run.step', 'strata.run.id': run.id }, () =>
            this.fused.modelStep({ runId: run.id, owner: segment.lease.owner }, step, calls, assistant, { steps: stepIndex + 1, activeMs: segment.activeMs(this.clock) }, events),
          );
          await this.applyFused(segment, written, [{ id: assistant.id, message: assistant.message, untrusted: false }]);
          this.faults.reached('after_model_checkpoint');
        } catch (error) {
          early?.release(false);
          throw error;
        }
        return { step: stepRef, calls: rows, early };
      }

      // The last step ends the run (with its audit entry): the general checkpoint.
      await this.checkpoint(segment, 'context.run.step', async (tx, locked, emit, patch) => {
        await this.repository.recordModelStep({ ...step, runId: run.id, status: 'completed', completedAt: this.clock.now() }, [], { sessionId: run.sessionId, message: assistant.message }, tx);
        patch({ steps: stepIndex + 1, tokens: { increment: tokens }, costUsd: { increment: costUsd }, activeMs: segment.activeMs(this.clock) });
        for (const event of events) emit(event.type, event.data);
        emit('step.completed', { stepIndex, tokens, costUsd });
        await this.finishInTx(tx, locked, 'completed', null, output.content, emit, patch, { tokens: locked.tokens + tokens, costUsd: locked.costUsd + costUsd, steps: stepIndex + 1 });
      });
      this.faults.reached('after_model_checkpoint');
      return 'stop';
    });
  }

  /** The session's conversation: read once per segment, then kept in step with what this segment writes. */
  private async conversationOf(segment: Segment): Promise<ConversationMessage[]> {
    if (segment.conversation) return segment.conversation;
    const rows = await this.repository.conversation(segment.run.sessionId);
    segment.conversation = rows.map((row) => ({
      id: row.id,
      seq: row.seq,
      runId: row.runId,
      message: row.message as unknown as ChatMessage,
      untrusted: row.untrusted,
      createdAt: row.createdAt,
    }));
    return segment.conversation;
  }

  /**
   * After a fused checkpoint: a failed fence becomes the error the general checkpoint would have
   * thrown; a passed one publishes its events and becomes the segment's known state.
   */
  private async applyFused(segment: Segment, written: FusedCheckpointResult | null, messages: Array<{ id: string; message: ChatMessage; untrusted: boolean }>): Promise<void> {
    if (!written) {
      const run = await this.repository.findRun(segment.run.id);
      if (run && run.leaseOwner === segment.lease.owner && run.status === 'running' && run.cancelRequested) {
        segment.run = run;
        throw new RunCancelRequestedError(run.id);
      }
      throw new LeaseLostError(segment.run.id);
    }
    segment.run = { ...segment.run, ...written.state };
    segment.markFreshState();
    segment.appendConversation(
      // As stored: through JSON, so the kept copy equals what a read would return (no undefined fields).
      messages.map((entry, i) => ({ id: entry.id, seq: written.messageSeqs[i] ?? -1, runId: segment.run.id, message: JSON.parse(JSON.stringify(entry.message)) as ChatMessage, untrusted: entry.untrusted, createdAt: this.clock.now() })),
    );
    for (const event of written.events) this.bus.publish(toEventView(event));
  }

  private async callModel(run: RunRow, spec: AgentSpec, stepIndex: number, messages: ChatMessage[], tools: ToolDefinition[], signal: AbortSignal): Promise<RecordedModelOutput> {
    const stream = await this.gateway.streamChat({
      model: spec.model.alias,
      messages,
      tools: tools.length > 0 ? tools : undefined,
      temperature: spec.model.temperature,
      topP: spec.model.topP,
      maxOutputTokens: spec.model.maxOutputTokens,
      agentId: run.agentId,
      runId: run.id,
      signal,
    });
    let content = '';
    const calls: Array<{ id: string; name: string; arguments: string }> = [];
    let finishReason = 'other';
    let usage = { inputTokens: 0, outputTokens: 0 };
    for await (const event of stream.events) {
      if (event.type === 'text-delta') {
        content += event.text;
        this.bus.publish({ seq: null, runId: run.id, type: 'model.delta', data: { stepIndex, text: event.text }, at: new Date().toISOString() });
      } else if (event.type === 'tool-call-delta') {
        const call = (calls[event.index] ??= { id: '', name: '', arguments: '' });
        if (event.id) call.id = event.id;
        if (event.name) call.name = event.name;
        call.arguments += event.argumentsDelta;
      } else if (event.type === 'finish') {
        finishReason = event.finishReason;
        usage = { inputTokens: event.usage.inputTokens, outputTokens: event.usage.outputTokens };
      }
    }
    const route = stream.route();
    const toolCalls: ToolCall[] = distinctCallIds(calls.filter(Boolean));
    return {
      content,
      toolCalls,
      finishReason,
      usage,
      route: { model: route.model, catalogModel: route.catalogModel, providerId: route.providerId, latencyMs: route.latencyMs, costUsd: route.costUsd },
    };
  }

  private async modelFailed(segment: Segment, spec: AgentSpec, error: unknown, signal: AbortSignal): Promise<Flow> {
    const reason = segment.lease.abortReason();
    if (reason === 'lease_lost' || reason === 'shutdown') throw new LeaseLostError(segment.run.id);
    if (reason === 'cancelled') {
      await this.finish(segment, 'cancelled', { code: 'context.cancelled', message: segment.run.cancelReason ?? 'The run was cancelled.' });
      return 'stop';
    }
    if (signal.aborted) {
      await this.finish(segment, 'limit_exceeded', { code: 'context.max_wall_time', message: `The run reached its wall-time limit of ${spec.limits.maxWallTimeMs} ms.` });
      return 'stop';
    }
    if (isDomainError(error) && error.code === 'model-gateway.budget_exceeded') {
      await this.suspendForBudget(segment, spec, { code: error.code, message: error.message });
      return 'stop';
    }
    if (isDomainError(error)) {
      await this.finish(segment, 'failed', { code: error.code, message: error.message });
      return 'stop';
    }
    const message = error instanceof Error ? error.message : String(error);
    await this.finish(segment, 'failed', { code: 'context.model_failed', message: `The model call failed: ${message}` });
    return 'stop';
  }

  // ---- tool calls ----

  /**
   * Starts a step's first call before the step's checkpoint has committed, in its own
   * `agent_tool_call` span (a sibling of the step's, as any call's). Only a `local` read (this
   * database only: nothing leaves the machine, nothing is spent or logged, so a step that never
   * commits leaves nothing of it) that `wouldAllow` predicts allowed starts executing; everything
   * that writes (the decision's record, the call's checkpoint) waits for `release(true)`, and the
   * decision itself is taken then, as for any call: the early result is used only if it allows.
   * An early execution whose result goes unused is aborted.
   */
  private startEarly(segment: Segment, step: StepRef, call: ToolCallRow, byName: Map<string, ToolDescriptor>): EarlyCall | null {
    const descriptor = byName.get(call.name);
    if (!descriptor || descriptor.execution !== 'read' || !descriptor.local || descriptor.approval?.required) return null;
    const parsed = this.tools.parseArguments(descriptor, call.argumentsRaw);
    if (!parsed.ok) return null;
    let resolveRelease: (committed: boolean) => void = () => undefined;
    const released = new Promise<boolean>((resolve) => (resolveRelease = resolve));
    const abandon = new AbortController();
    const release = (committed: boolean) => {
      if (!committed) abandon.abort();
      resolveRelease(committed);
    };
    const invocation = { ...this.invocationBase(segment.run, step, call), arguments: parsed.arguments };
    const flow = withSpan(
      `agent_tool_call ${call.name}`,
      { 'strata.run.id': segment.run.id, 'strata.run.step': step.index },
      async (): Promise<Flow> => {
        const allowed = await this.tools.wouldAllow(descriptor, invocation).catch(() => false);
        const outcome = allowed ? this.tools.execute(descriptor, { ...invocation, signal: AbortSignal.any([segment.lease.signal, abandon.signal]) }) : undefined;
        // Awaited only if the decision allows; a failure then surfaces there, as without the early start.
        outcome?.catch(() => undefined);
        if (!(await released)) return 'stop';
        try {
          return await this.runToolCall(segment, step, call, byName, outcome);
        } finally {
          // Used by now, or not to be (the decision did not allow it): stop it if it still runs.
          abandon.abort();
        }
      },
      segment.traceParent,
    );
    // Awaited by runToolCalls once released; a step that did not commit never awaits it.
    flow.catch(() => undefined);
    return { callId: call.id, release, flow };
  }

  private async runToolCalls(segment: Segment, step: StepRef, byName: Map<string, ToolDescriptor>, written?: ToolCallRow[], early?: EarlyCall | null): Promise<Flow> {
    const calls = written ?? (await this.repository.toolCalls(segment.run.id, undefined, step.index));
    const open = calls.filter((call) => call.status !== 'done');
    for (const call of open) {
      if (early && call.id === early.callId) {
        // Started during the step's checkpoint (startEarly), which has committed: the fence saw the run uncancelled.
        segment.takeFreshState();
        segment.closing = call === open.at(-1) ? step : null;
        early.release(true);
        const flow = await early.flow;
        segment.closing = null;
        if (flow === 'stop') return 'stop';
        continue;
      }
      // Right after a fused checkpoint the fence has just seen the run uncancelled: no read needed.
      if (!segment.takeFreshState()) {
        const fresh = await this.repository.findRun(segment.run.id);
        if (fresh?.cancelRequested) {
          segment.run = fresh;
          await this.finish(segment, 'cancelled', { code: 'context.cancelled', message: fresh.cancelReason ?? 'The run was cancelled.' });
          return 'stop';
        }
      }
      // The step's last open call closes the step in its own checkpoint when it can (recordToolResult).
      segment.closing = call === open.at(-1) ? step : null;
      const flow = await withSpan(`agent_tool_call ${call.name}`, { 'strata.run.id': segment.run.id, 'strata.run.step': step.index }, () => this.runToolCall(segment, step, call, byName));
      segment.closing = null;
      if (flow === 'stop') return 'stop';
    }
    if (segment.closedStepId === step.id) return 'continue';
    await this.checkpoint(segment, 'context.run.step_completed', async (tx, _locked, emit, patch) => {
      await this.repository.patchStep(step.id, { status: 'completed', completedAt: this.clock.now() }, tx);
      patch({ activeMs: segment.activeMs(this.clock) });
      emit('step.completed', { stepIndex: step.index, tokens: step.tokens, costUsd: step.costUsd });
    });
    return 'continue';
  }

  /** Who a call acts for and which call it is: from the run's record only, never from a tool's output. */
  private invocationBase(run: RunRow, step: StepRef, call: ToolCallRow): Omit<ToolInvocation, 'arguments' | 'signal' | 'tx'> {
    const principal: ToolCallPrincipal = {
      tenantId: run.tenantId,
      onBehalfOf: { type: run.onBehalfOfType as 'user', id: run.onBehalfOfId },
      agentId: run.agentId,
      runId: run.id,
      purpose: run.purpose,
    };
    return { principal, stepIndex: step.index, callId: call.callId, idempotencyKey: call.idempotencyKey };
  }

  /** `early`: the result of a `read` tool started before the decision (startEarly), used if it allows. */
  private async runToolCall(segment: Segment, step: StepRef, call: ToolCallRow, byName: Map<string, ToolDescriptor>, early?: Promise<ToolOutcome>): Promise<Flow> {
    const run = segment.run;
    const descriptor = byName.get(call.name);
    if (!descriptor) {
      const available = [...byName.keys()].join(', ') || 'none';
      return this.completeCall(segment, call, { status: 'error', content: null, error: { code: 'context.unknown_tool', message: `There is no tool named "${call.name}". Available tools: ${available}.` } });
    }
    const parsed = this.tools.parseArguments(descriptor, call.argumentsRaw);
    if (!parsed.ok) return this.completeCall(segment, call, { status: 'error', content: null, error: parsed.error });
    const args = parsed.arguments;
    const base = this.invocationBase(run, step, call);
    const intended = { action: TOOL_CALL_ACTION, subjectType: TOOL_CALL_SUBJECT, subjectId: call.idempotencyKey, arguments: { tool: descriptor.name, arguments: args } };

    if (call.status === 'waiting_approval' && call.approvalId) {
      const [status] = await this.approvals.statuses([call.approvalId]);
      const decided = status?.status ?? 'cancelled';
      if (decided === 'pending') return this.suspendOnTool(segment, call, call.approvalId, false);
      if (decided === 'approved' || decided === 'executed') {
        this.faults.reached('approval_resume');
        return this.executeCall(segment, descriptor, call, { ...base, arguments: args, approvalId: call.approvalId }, intended, decided === 'executed');
      }
      return this.completeCall(
        segment,
        call,
        { status: 'denied', content: null, error: { code: 'context.approval_rejected', message: `A person did not approve this call (the approval request is ${decided}).` } },
        { approvalId: call.approvalId, decision: decided === 'rejected' ? 'rejected' : 'expired' },
      );
    }

    const decision = await this.tools.decide(descriptor, { ...base, arguments: args });
    if (decision.kind === 'deny') {
      return this.completeCall(segment, call, { status: 'denied', content: null, error: { code: decision.code, message: decision.reason } });
    }
    if (decision.kind === 'needs_approval') {
      let approvalId: string;
      try {
        // A crash between asking and suspending must not ask twice: the call is marked first, and
        // a marked call looks for its own pending request (subject = the idempotency key) before asking.
        if (call.status === 'requesting_approval') {
          const earlier = await this.pendingApprovalFor(call.idempotencyKey);
          if (earlier) return this.suspendOnTool(segment, call, earlier, true);
        } else {
          await this.checkpoint(segment, 'context.run.approval_requesting', (tx) => this.repository.updateToolCall(call.id, { status: 'requesting_approval' }, tx));
        }
        const approval = await this.approvals.create({
          ...intended,
          summary: `Agent ${run.agentName} asks to call ${descriptor.name}`,
          approverRoles: decision.approval.approverRoles,
          quorum: decision.approval.quorum,
          expiresInSeconds: Math.round(decision.approval.expiresInMs / 1000),
        });
        approvalId = approval.id;
      } catch (error) {
        if (!isDomainError(error)) throw error;
        return this.completeCall(segment, call, { status: 'denied', content: null, error: { code: error.code, message: `The call needs an approval that could not be requested: ${error.message}` } });
      }
      this.faults.reached('after_approval_request');
      return this.suspendOnTool(segment, call, approvalId, true);
    }
    return this.executeCall(segment, descriptor, call, { ...base, arguments: args }, intended, false, early);
  }

  /**
   * Executes an allowed or approved call by its execution kind (tool.contract.ts): `transactional`
   * inside the checkpoint's transaction (effect, ledger and checkpoint atomic); `external` between a
   * `pending` ledger row and the result; `read` freely. A `done` ledger row is never executed again.
   */
  private async executeCall(
    segment: Segment,
    descriptor: ToolDescriptor,
    call: ToolCallRow,
    invocation: Omit<ToolInvocation, 'signal' | 'tx'>,
    intended: { action: string; subjectType: string; subjectId: string; arguments: Record<string, unknown> },
    alreadyConsumed: boolean,
    early?: Promise<ToolOutcome>,
  ): Promise<Flow> {
    const run = segment.run;
    const key = call.idempotencyKey;
    const approvalId = invocation.approvalId;
    const decided = approvalId ? { approvalId, decision: 'approved' } : undefined;
    const signal = segment.lease.signal;
    let receipt: ExecutionReceipt | undefined;
    const consume = async (tx: Prisma.TransactionClient) => {
      if (approvalId && !alreadyConsumed) receipt = await this.approvals.consumeForExecution(approvalId, intended, tx);
    };

    if (descriptor.execution === 'transactional') {
      await this.checkpoint(segment, 'context.run.tool_call', async (tx, _locked, emit, patch) => {
        const existing = await this.repository.findEffect(key, tx);
        let outcome: ToolOutcome;
        if (existing?.state === 'done') {
          outcome = existing.result as unknown as ToolOutcome;
        } else {
          await consume(tx);
          outcome = await this.tools.execute(descriptor, { ...invocation, tx, signal });
          await this.repository.createEffect(
            { runId: run.id, idempotencyKey: key, toolName: descriptor.name, execution: 'transactional', state: 'done', effects: outcome.effects ?? [], result: outcome as unknown as Prisma.InputJsonValue, completedAt: this.clock.now() },
            tx,
          );
          this.faults.reached('after_tool_effect');
        }
        await this.completeInTx(tx, segment, call, outcome, emit, patch, decided);
      });
      receipt?.publish();
      this.faults.reached('after_tool_checkpoint');
      return 'continue';
    }

    if (descriptor.execution === 'external') {
      let effect = await this.repository.findEffect(key);
      if (effect?.state === 'done') return this.completeCall(segment, call, effect.result as unknown as ToolOutcome, decided);
      await this.checkpoint(segment, 'context.run.tool_call_pending', async (tx) => {
        if (effect) {
          effect = await this.repository.updateEffect(effect.id, { attempts: { increment: 1 } }, tx);
        } else {
          await consume(tx);
          effect = await this.repository.createEffect({ runId: run.id, idempotencyKey: key, toolName: descriptor.name, execution: 'external', state: 'pending', effects: [] }, tx);
        }
      });
      receipt?.publish();
      const outcome = await this.tools.execute(descriptor, { ...invocation, signal });
      this.faults.reached('after_tool_effect');
      const effectId = effect?.id as string;
      await this.checkpoint(segment, 'context.run.tool_call', async (tx, _locked, emit, patch) => {
        await this.repository.updateEffect(effectId, { state: 'done', effects: outcome.effects ?? [], result: outcome as unknown as Prisma.InputJsonValue, completedAt: this.clock.now() }, tx);
        await this.completeInTx(tx, segment, call, outcome, emit, patch, decided);
      });
      this.faults.reached('after_tool_checkpoint');
      return 'continue';
    }

    const outcome = await (early && !approvalId ? early : this.tools.execute(descriptor, { ...invocation, signal }));
    this.faults.reached('after_tool_effect');
    if (!approvalId) return this.completeCall(segment, call, outcome);
    await this.checkpoint(segment, 'context.run.tool_call', async (tx, _locked, emit, patch) => {
      await consume(tx);
      await this.completeInTx(tx, segment, call, outcome, emit, patch, decided);
    });
    receipt?.publish();
    this.faults.reached('after_tool_checkpoint');
    return 'continue';
  }

  /**
   * A call's result with nothing else to do in its transaction (a read tool's outcome, a denial, an
   * error for the model, a rejection): the fused checkpoint, which also closes the step when this
   * was its last open call.
   */
  private async completeCall(segment: Segment, call: ToolCallRow, outcome: ToolOutcome, decided?: { approvalId: string; decision: string }): Promise<Flow> {
    const normalized = normalizedOutcome(outcome);
    const closing = segment.closing && segment.closing.index === call.stepIndex ? segment.closing : null;
    const at = this.clock.now();
    const events: CheckpointEvent[] = [...(decided ? [{ type: 'approval.decided' as const, data: decided }] : []), { type: 'tool.result', data: toolResultEvent(call, normalized) }];
    if (closing) events.push({ type: 'step.completed', data: { stepIndex: closing.index, tokens: closing.tokens, costUsd: closing.costUsd } });
    const message = { id: newId(), sessionId: segment.run.sessionId, message: toolMessageOf(call.callId, normalized) };
    const written = await withSpan('context.run.tool_call', { 'strata.audit.action': 'context.run.tool_call', 'strata.run.id': segment.run.id }, () =>
      this.fused.toolResult(
        { runId: segment.run.id, owner: segment.lease.owner },
        { id: call.id, outcome: normalized, completedAt: at },
        message,
        closing ? { id: closing.id, completedAt: at } : null,
        { activeMs: segment.activeMs(this.clock) },
        events,
      ),
    );
    await this.applyFused(segment, written, [{ id: message.id, message: message.message, untrusted: true }]);
    if (closing) segment.closedStepId = closing.id;
    this.faults.reached('after_tool_checkpoint');
    return 'continue';
  }

  private async completeInTx(tx: Prisma.TransactionClient, segment: Segment, call: ToolCallRow, outcome: ToolOutcome, emit: Emit, patch: Patch, decided?: { approvalId: string; decision: string }): Promise<void> {
    const normalized = normalizedOutcome(outcome);
    await this.repository.patchToolCall(call.id, { status: 'done', outcome: normalized as unknown as Prisma.InputJsonValue, completedAt: this.clock.now() }, tx);
    await this.repository.insertMessages(segment.run.sessionId, segment.run.id, [{ message: toolMessageOf(call.callId, normalized), untrusted: true }], tx);
    // Not tracked in the segment's copy of the conversation: the next step reads it again.
    segment.conversation = null;
    patch({ activeMs: segment.activeMs(this.clock) });
    if (decided) emit('approval.decided', decided);
    emit('tool.result', toolResultEvent(call, normalized));
  }

  /** The agent's own pending approval request for this call, if an earlier attempt made one. */
  private async pendingApprovalFor(subjectId: string, subjectType = TOOL_CALL_SUBJECT): Promise<string | null> {
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const found = await this.approvals.list({ mine: true, status: 'pending', limit: 100, ...(cursor ? { cursor } : {}) });
      const match = found.items.find((item) => item.subjectType === subjectType && item.subjectId === subjectId);
      if (match) return match.id;
      if (!found.nextCursor) return null;
      cursor = found.nextCursor;
    }
    return null;
  }

  // ---- suspensions ----

  private async suspendOnTool(segment: Segment, call: ToolCallRow, approvalId: string, announce: boolean): Promise<Flow> {
    await this.checkpoint(segment, 'context.run.suspend', async (tx, _locked, emit) => {
      await this.repository.updateToolCall(call.id, { status: 'waiting_approval', approvalId }, tx);
      await this.suspendInTx(tx, segment, 'waiting_approval', 'tool_call', approvalId, { code: 'context.waiting_approval', message: `Waiting for approval of ${call.name}.` }, emit);
      if (announce) emit('approval.requested', { stepIndex: call.stepIndex, callId: call.callId, approvalId, kind: 'tool_call' });
    });
    return 'stop';
  }

  private async suspendForBudget(segment: Segment, spec: AgentSpec, reason: { code: string; message: string }): Promise<void> {
    const run = segment.run;
    const extraUsd = budgetExtensionUsd(spec, run);
    let approvalId: string;
    try {
      // An earlier attempt may have asked already and crashed before suspending.
      const earlier = await this.pendingApprovalFor(run.id, RUN_SUBJECT);
      const approval = earlier ? { id: earlier } : await this.approvals.create({
        action: BUDGET_ACTION,
        subjectType: RUN_SUBJECT,
        subjectId: run.id,
        arguments: { runId: run.id, extraUsd },
        summary: `Agent ${run.agentName} ran out of budget (${reason.code}); approve to add $${extraUsd} and continue`,
        approverRoles: ['approver'],
        expiresInSeconds: BUDGET_APPROVAL_EXPIRES_S,
      });
      approvalId = approval.id;
    } catch (error) {
      if (!isDomainError(error)) throw error;
      await this.finish(segment, 'failed', reason);
      return;
    }
    this.faults.reached('after_approval_request');
    await this.checkpoint(segment, 'context.run.suspend', async (tx, _locked, emit) => {
      await this.suspendInTx(tx, segment, 'waiting_budget', 'budget_extension', approvalId, { ...reason, extraUsd }, emit);
      emit('approval.requested', { stepIndex: run.steps, callId: null, approvalId, kind: 'budget_extension' });
    });
  }

  private async resumeBudget(segment: Segment, spec: AgentSpec): Promise<Flow> {
    const run = segment.run;
    const approvalId = run.waitingApprovalId as string;
    const reason = (run.reason ?? {}) as { extraUsd?: number; code?: string };
    const [status] = await this.approvals.statuses([approvalId]);
    const decided = status?.status ?? 'cancelled';
    if (decided === 'pending') {
      await this.checkpoint(segment, 'context.run.suspend', (tx, _locked, emit) =>
        this.suspendInTx(tx, segment, 'waiting_budget', 'budget_extension', approvalId, run.reason as Record<string, unknown>, emit),
      );
      return 'stop';
    }
    if (decided === 'approved') {
      const extraUsd = reason.extraUsd ?? budgetExtensionUsd(spec, run);
      let receipt: ExecutionReceipt | undefined;
      await this.checkpoint(segment, 'context.run.budget_extended', async (tx, locked, emit) => {
        receipt = await this.approvals.consumeForExecution(
          approvalId,
          { action: BUDGET_ACTION, subjectType: RUN_SUBJECT, subjectId: run.id, arguments: { runId: run.id, extraUsd } },
          tx,
        );
        await this.repository.updateRun(run.id, { extraBudgetUsd: locked.extraBudgetUsd + extraUsd, waitingApprovalId: null, waitingKind: null, reason: Prisma.DbNull }, tx);
        emit('approval.decided', { approvalId, decision: 'approved', extraUsd });
        await this.audit.append({ action: 'context.run.budget_extended', outcome: 'success', target: { type: RUN_SUBJECT, id: run.id }, approvalId, details: { extraUsd } }, tx);
      });
      receipt?.publish();
      return 'continue';
    }
    await this.finish(segment, 'limit_exceeded', { code: reason.code ?? 'context.max_cost', message: `The budget extension was not approved (${decided}).` }, { approvalId, decision: decided === 'rejected' ? 'rejected' : 'expired' });
    return 'stop';
  }

  private async suspendInTx(
    tx: Prisma.TransactionClient,
    segment: Segment,
    status: 'waiting_approval' | 'waiting_budget',
    kind: 'tool_call' | 'budget_extension',
    approvalId: string,
    reason: Record<string, unknown>,
    emit: Emit,
  ): Promise<void> {
    await this.repository.updateRun(
      segment.run.id,
      { status, waitingKind: kind, waitingApprovalId: approvalId, reason: reason as Prisma.InputJsonValue, leaseOwner: null, leaseExpiresAt: null, activeMs: segment.activeMs(this.clock) },
      tx,
    );
    emit('run.status', { status, reason });
    await this.audit.append({ action: 'context.run.suspend', outcome: 'success', target: { type: RUN_SUBJECT, id: segment.run.id }, approvalId, details: { status, kind } }, tx);
  }

  // ---- the end ----

  private async finish(segment: Segment, status: RunStatus, reason: { code: string; message: string } | null, decided?: { approvalId: string; decision: string }): Promise<void> {
    await this.checkpoint(segment, `context.run.${status}`, async (tx, locked, emit, patch) => {
      if (decided) emit('approval.decided', decided);
      await this.finishInTx(tx, locked, status, reason, null, emit, patch, { tokens: locked.tokens, costUsd: locked.costUsd, steps: locked.steps });
    }, { honourCancel: false });
  }

  private async finishInTx(
    tx: Prisma.TransactionClient,
    run: RunRow,
    status: RunStatus,
    reason: { code: string; message: string } | null,
    output: string | null,
    emit: Emit,
    patch: Patch,
    totals: { tokens: number; costUsd: number; steps: number },
  ): Promise<void> {
    patch({
      status,
      reason: reason ?? Prisma.DbNull,
      output,
      finishedAt: this.clock.now(),
      leaseOwner: null,
      leaseExpiresAt: null,
      waitingApprovalId: null,
      waitingKind: null,
    });
    emit('run.status', reason ? { status, reason } : { status });
    if (status === 'completed') emit('run.completed', { output, ...totals });
    else emit('run.failed', { status, reason });
    await this.audit.append(
      { action: `context.run.${status}`, outcome: status === 'completed' ? 'success' : 'failure', target: { type: RUN_SUBJECT, id: run.id }, reason: reason?.message, details: { ...totals, code: reason?.code ?? null } },
      tx,
    );
  }

  /**
   * One checkpoint: a transaction that locks the run's row, checks this worker still holds the
   * lease, does `work`, and appends the durable events it emitted; events reach live streams only
   * after the commit.
   */
  private async checkpoint<T>(
    segment: Segment,
    action: string,
    work: (tx: Prisma.TransactionClient, run: RunRow, emit: Emit, patch: Patch) => Promise<T>,
    options: { honourCancel?: boolean } = {},
  ): Promise<T> {
    segment.forgetFreshState();
    const { value, events } = await withSpan(action, { 'strata.audit.action': action, 'strata.run.id': segment.run.id }, () =>
      this.prisma.$transaction(async (tx) => {
        // Fresh per attempt of the transaction's callback.
        const emitted: Array<{ type: RunEventType; data: Record<string, unknown> }> = [];
        const changes: Prisma.ContextRunUncheckedUpdateManyInput = {};
        // Locks the row and checks the lease in one statement: a worker that lost its lease writes nothing.
        const locked = await this.repository.fenceRun(segment.run.id, segment.lease.owner, tx);
        if (!locked) throw new LeaseLostError(segment.run.id);
        // Cancelled (or interrupted by a newer message) at this checkpoint: nothing more is recorded.
        if (locked.cancelRequested && options.honourCancel !== false) throw new RunCancelRequestedError(locked.id);
        const value = await work(tx, locked, (type, data) => emitted.push({ type, data }), (data) => Object.assign(changes, data));
        const events = await this.repository.closeCheckpoint(locked, changes, emitted, tx);
        return { value, events };
      }, CHECKPOINT_TRANSACTION),
    );
    for (const event of events) this.bus.publish(toEventView(event));
    return value;
  }
}

function normalizedOutcome(outcome: ToolOutcome): ToolOutcome {
  return { status: outcome.status, content: outcome.content ?? null, ...(outcome.error ? { error: outcome.error } : {}), ...(outcome.effects ? { effects: outcome.effects } : {}) };
}

/** The `tool.result` event: the outcome as shown to a live stream (content capped). */
function toolResultEvent(call: ToolCallRow, normalized: ToolOutcome): Record<string, unknown> {
  const shown = JSON.stringify(normalized.content ?? null);
  return {
    stepIndex: call.stepIndex,
    callId: call.callId,
    name: call.name,
    status: normalized.status,
    content: shown.length > 2000 ? `${shown.slice(0, 2000)}…` : shown,
    ...(normalized.error ? { error: normalized.error } : {}),
  };
}

/** What one segment knows beyond the database: its lease, when it started, its trace, what it wrote last. */
class Segment {
  private readonly baseActiveMs: number;
  private freshState = false;
  /** The session's conversation as this segment last wrote it; null until read (or after a write it did not track). */
  conversation: ConversationMessage[] | null = null;
  /** The step whose last open call is running (its checkpoint closes the step), and the last step so closed. */
  closing: StepRef | null = null;
  closedStepId: string | null = null;

  constructor(
    public run: RunRow,
    readonly lease: RunLease,
    private readonly startedAtMs: number,
    readonly traceId: string,
    /** The run's `invoke_agent` span: where a call started during its step's checkpoint hangs. */
    readonly traceParent: TraceParent,
  ) {
    this.baseActiveMs = run.activeMs;
  }

  /** Running time of the run so far: earlier segments plus this one (suspensions do not count). */
  activeMs(clock: Clock): number {
    return this.baseActiveMs + Math.max(0, clock.now().getTime() - this.startedAtMs);
  }

  /** `run` holds what the last (fused) checkpoint returned under the row lock, and no step is open. */
  markFreshState(): void {
    this.freshState = true;
  }

  /** True once after markFreshState, until any other write: the loop may skip reading the run back. */
  takeFreshState(): boolean {
    const fresh = this.freshState;
    this.freshState = false;
    return fresh;
  }

  forgetFreshState(): void {
    this.freshState = false;
  }

  /** Messages this segment just wrote; a gap in the sequence (someone else wrote) drops the copy. */
  appendConversation(messages: ConversationMessage[]): void {
    if (!this.conversation) return;
    for (const message of messages) {
      const last = this.conversation.at(-1);
      if (message.seq < 0 || (last && message.seq !== last.seq + 1)) {
        this.conversation = null;
        return;
      }
      this.conversation.push(message);
    }
  }
}
