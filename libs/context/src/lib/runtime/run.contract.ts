/**
 * Run statuses and run events: shared by the runtime (runtime/), its HTTP API and the admin's chat
 * and run views. Events are what `GET /context/runs/:id/events` streams over SSE; durable events
 * have a gap-free `seq` per run (the SSE id, so Last-Event-ID resumes exactly). Token deltas are
 * delivered live between durable events and are not replayed on resume: the `model.message` event
 * that follows them carries the whole text.
 */
export const RUN_STATUSES = [
  'queued', // created, waiting for a worker
  'running', // a worker holds the lease
  'waiting_approval', // suspended on a tool-call approval (no thread or process held)
  'waiting_budget', // suspended on a budget-extension approval
  'completed', // final answer
  'failed', // an error the run cannot get past (reason says which)
  'limit_exceeded', // max steps, tokens, wall time
  'cancelled', // cancelled, or interrupted by a newer message (busy policy `interrupt`)
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'limit_exceeded', 'cancelled'];

export const RUN_EVENT_TYPES = [
  'run.status', // { status, reason? }
  'step.started', // { stepIndex }
  'context.assembled', // { stepIndex, totalTokens, budgetTokens }
  'model.delta', // live only: { stepIndex, text }
  'model.message', // { stepIndex, content, toolCalls: [{ id, name, arguments }], usage, route: { model, latencyMs } }
  'tool.call', // { stepIndex, callId, name, arguments }
  'tool.result', // { stepIndex, callId, name, status, content (truncated), error? }
  'approval.requested', // { stepIndex, callId, approvalId, kind: 'tool_call' | 'budget_extension' }
  'approval.decided', // { approvalId, decision: 'approved' | 'rejected' | 'expired' }
  'step.completed', // { stepIndex, tokens, costUsd }
  'run.completed', // { output, steps, tokens, costUsd }
  'run.failed', // { status, reason: { code, message } }
] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

export interface RunEventView {
  /** Durable events: gap-free per run, from 1. Live deltas: `null`. */
  seq: number | null;
  runId: string;
  type: RunEventType;
  data: Record<string, unknown>;
  at: string;
}
