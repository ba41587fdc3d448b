import { api, queryString, type Page } from './api-client';

/** Run statuses (libs/context runtime/run.contract.ts). */
export const RUN_STATUSES = ['queued', 'running', 'waiting_approval', 'waiting_budget', 'completed', 'failed', 'limit_exceeded', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const TERMINAL_RUN_STATUSES: readonly string[] = ['completed', 'failed', 'limit_exceeded', 'cancelled'];

/** A run event as `GET /context/runs/:id/events` streams it (seq null: a live token delta, not replayed). */
export interface RunEvent {
  seq: number | null;
  runId: string;
  type: string;
  data: Record<string, unknown>;
  at: string;
}

export interface ToolCallView {
  id: string;
  name: string;
  arguments: unknown;
}

/** A chat message as the gateway speaks it (content may be text or parts). */
export interface ChatMessageView {
  role: 'system' | 'user' | 'assistant' | 'tool' | string;
  content: unknown;
  toolCalls?: ToolCallView[];
  toolCallId?: string;
  name?: string;
}

export interface SessionMessage {
  id: string;
  /** Position in the conversation; null while its run waits in the queue. */
  seq: number | null;
  runId: string | null;
  message: ChatMessageView;
  untrusted?: boolean;
  createdAt: string;
}

export interface AgentSession {
  id: string;
  agentId: string;
  /** The user who opened it: only they (and owners, admins, auditors) read it. */
  user: { type: string; id: string };
  title: string;
  purpose: string;
  createdAt: string;
  updatedAt: string;
}

export interface AgentSessionDetail extends AgentSession {
  messages: SessionMessage[];
  activeRuns: AgentRun[];
}

export interface AgentRun {
  id: string;
  sessionId: string;
  agentId: string;
  agentName: string;
  agentVersion: number;
  status: RunStatus | string;
  reason: Record<string, unknown> | null;
  purpose: string;
  onBehalfOf: { type: string; id: string };
  input: string;
  output: string | null;
  steps: number;
  tokens: number;
  costUsd: number;
  activeMs: number;
  waitingApprovalId: string | null;
  waitingKind: string | null;
  traceId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ToolCallRecord {
  callId: string;
  position: number;
  name: string;
  /** The model's JSON text, as it produced it. */
  arguments: string;
  status: string;
  approvalId: string | null;
  /** The ToolOutcome: `{status, content, error?, effects?}`. */
  outcome: unknown;
  idempotencyKey: string;
  completedAt: string | null;
}

/** One step of a run: the model's answer and the tool calls it asked for, with their results. */
export interface RunStep {
  index: number;
  status: string;
  /** The model's message: `{content, toolCalls, usage, route}`. */
  output: unknown;
  toolCalls: ToolCallRecord[];
  tokens: number;
  costUsd: number;
  traceId: string | null;
  context: { totalTokens: number | null; budgetTokens: number | null };
  startedAt: string;
  completedAt: string | null;
}

export interface EffectRecord {
  idempotencyKey: string;
  toolName: string;
  execution: string;
  state: string;
  effects: string[];
  attempts: number;
  createdAt: string;
  completedAt: string | null;
}

export interface AgentRunDetail extends AgentRun {
  stepsDetail: RunStep[];
  effects: EffectRecord[];
}

export interface ContextItemReport {
  id: string;
  kind: string;
  tokens: number;
  included: boolean;
  reason: string;
}

export interface ContextSourceReport {
  source: string;
  budgetTokens: number | null;
  usedTokens: number;
  items: ContextItemReport[];
  error?: { code: string; message: string };
}

/** What context assembly put into one step, why, and how many tokens (the context inspector). */
export interface ContextReport {
  tokenizer: string;
  budgetTokens: number;
  totalTokens: number;
  toolSchemaTokens: number;
  sources: ContextSourceReport[];
  compaction?: { summarizedMessages: number; throughSeq: number; summaryMemoryId: string; summaryTokens: number };
}

export interface RunQuery {
  agentId?: string;
  sessionId?: string;
  status?: string;
  cursor?: string;
  limit?: number;
}

const id = encodeURIComponent;

export const sessionsApi = {
  create: (input: { agentId: string; title?: string; purpose?: string }) => api.post<AgentSession>('/context/sessions', input),
  list: (query: { agentId?: string; cursor?: string } = {}) => api.get<Page<AgentSession>>(`/context/sessions${queryString({ limit: 50, ...query })}`),
  get: (sessionId: string) => api.get<AgentSessionDetail>(`/context/sessions/${id(sessionId)}`),
  /** 202: the message and the run that will answer it (queued, or queued behind / interrupting the active one). */
  send: (sessionId: string, content: string, policy?: 'queue' | 'interrupt') =>
    api.post<{ message: SessionMessage; run: AgentRun }>(`/context/sessions/${id(sessionId)}/messages`, { content, ...(policy ? { policy } : {}) }),
};

export const runsApi = {
  list: (query: RunQuery) => api.get<Page<AgentRun>>(`/context/runs${queryString({ limit: 50, ...query })}`),
  get: (runId: string) => api.get<AgentRunDetail>(`/context/runs/${id(runId)}`),
  context: (runId: string, stepIndex: number) => api.get<{ runId: string; stepIndex: number; report: ContextReport | null; messages: unknown }>(`/context/runs/${id(runId)}/steps/${stepIndex}/context`),
  cancel: (runId: string) => api.post<AgentRun>(`/context/runs/${id(runId)}/cancel`, {}),
  eventsUrl: (runId: string) => `/context/runs/${id(runId)}/events`,
};
