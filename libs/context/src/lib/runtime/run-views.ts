import type { ChatMessage } from '@strata/model-gateway';
import type { RunEventType, RunEventView, RunStatus } from './run.contract';
import type { EffectRow, EventRow, MessageRow, RunRow, SessionRow, StepRow, ToolCallRow } from './runtime.repository';

/** API shapes of sessions, runs and steps (the admin's chat and run views read these). */
export interface SessionView {
  id: string;
  agentId: string;
  user: { type: string; id: string };
  title: string;
  purpose: string;
  createdAt: string;
  updatedAt: string;
}

export interface MessageView {
  id: string;
  /** Position in the conversation; null while its run waits in the queue (not in the conversation yet). */
  seq: number | null;
  runId: string | null;
  role: ChatMessage['role'];
  message: ChatMessage;
  untrusted: boolean;
  createdAt: string;
}

export interface RunView {
  id: string;
  sessionId: string;
  agentId: string;
  agentName: string;
  agentVersion: number;
  status: RunStatus;
  reason: Record<string, unknown> | null;
  purpose: string;
  onBehalfOf: { type: string; id: string };
  input: string;
  inputMessageId: string;
  output: string | null;
  steps: number;
  tokens: number;
  costUsd: number;
  extraBudgetUsd: number;
  activeMs: number;
  waitingApprovalId: string | null;
  waitingKind: string | null;
  cancelRequested: boolean;
  attempts: number;
  traceId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ToolCallView {
  callId: string;
  position: number;
  name: string;
  arguments: string;
  status: string;
  approvalId: string | null;
  outcome: unknown;
  idempotencyKey: string;
  completedAt: string | null;
}

export interface StepView {
  index: number;
  status: string;
  output: unknown;
  toolCalls: ToolCallView[];
  tokens: number;
  costUsd: number;
  traceId: string | null;
  context: { totalTokens: number | null; budgetTokens: number | null };
  startedAt: string;
  completedAt: string | null;
}

export interface EffectView {
  idempotencyKey: string;
  toolName: string;
  execution: string;
  state: string;
  effects: string[];
  attempts: number;
  createdAt: string;
  completedAt: string | null;
}

export function toSessionView(row: SessionRow): SessionView {
  return {
    id: row.id,
    agentId: row.agentId,
    user: { type: row.userType, id: row.userId },
    title: row.title,
    purpose: row.purpose,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toMessageView(row: MessageRow): MessageView {
  const message = row.message as unknown as ChatMessage;
  return { id: row.id, seq: row.seq, runId: row.runId, role: message.role, message, untrusted: row.untrusted, createdAt: row.createdAt.toISOString() };
}

/** The user message of a run still in the queue: not in the conversation yet. */
export function pendingInputView(run: RunRow): MessageView {
  return { id: run.inputMessageId, seq: null, runId: run.id, role: 'user', message: { role: 'user', content: run.input }, untrusted: false, createdAt: run.createdAt.toISOString() };
}

export function toRunView(row: RunRow): RunView {
  return {
    id: row.id,
    sessionId: row.sessionId,
    agentId: row.agentId,
    agentName: row.agentName,
    agentVersion: row.agentVersion,
    status: row.status as RunStatus,
    reason: (row.reason as Record<string, unknown> | null) ?? null,
    purpose: row.purpose,
    onBehalfOf: { type: row.onBehalfOfType, id: row.onBehalfOfId },
    input: row.input,
    inputMessageId: row.inputMessageId,
    output: row.output,
    steps: row.steps,
    tokens: row.tokens,
    costUsd: row.costUsd,
    extraBudgetUsd: row.extraBudgetUsd,
    activeMs: row.activeMs,
    waitingApprovalId: row.waitingApprovalId,
    waitingKind: row.waitingKind,
    cancelRequested: row.cancelRequested,
    attempts: row.attempts,
    traceId: row.traceId,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export function toToolCallView(row: ToolCallRow): ToolCallView {
  return {
    callId: row.callId,
    position: row.position,
    name: row.name,
    arguments: row.argumentsRaw,
    status: row.status,
    approvalId: row.approvalId,
    outcome: row.outcome ?? null,
    idempotencyKey: row.idempotencyKey,
    completedAt: row.completedAt?.toISOString() ?? null,
  };
}

export function toStepView(row: StepRow, calls: ToolCallRow[]): StepView {
  const report = (row.report ?? {}) as { totalTokens?: number; budgetTokens?: number };
  return {
    index: row.index,
    status: row.status,
    output: row.output,
    toolCalls: calls.filter((call) => call.stepIndex === row.index).map(toToolCallView),
    tokens: row.tokens,
    costUsd: row.costUsd,
    traceId: row.traceId,
    context: { totalTokens: report.totalTokens ?? null, budgetTokens: report.budgetTokens ?? null },
    startedAt: row.startedAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
  };
}

export function toEffectView(row: EffectRow): EffectView {
  return {
    idempotencyKey: row.idempotencyKey,
    toolName: row.toolName,
    execution: row.execution,
    state: row.state,
    effects: row.effects,
    attempts: row.attempts,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
  };
}

export function toEventView(row: EventRow): RunEventView {
  return { seq: row.seq, runId: row.runId, type: row.type as RunEventType, data: row.data as Record<string, unknown>, at: row.at.toISOString() };
}

/** CASL record of a session: rules name these fields (`{ userId: '${actor.id}' }`). */
export function sessionSubject(row: Pick<SessionRow, 'id' | 'agentId' | 'userType' | 'userId'>): Record<string, unknown> {
  return { id: row.id, agentId: row.agentId, userType: row.userType, userId: row.userId };
}

export function runSubject(row: Pick<RunRow, 'id' | 'sessionId' | 'agentId' | 'onBehalfOfType' | 'onBehalfOfId' | 'status'>): Record<string, unknown> {
  return { id: row.id, sessionId: row.sessionId, agentId: row.agentId, onBehalfOfType: row.onBehalfOfType, onBehalfOfId: row.onBehalfOfId, status: row.status };
}
