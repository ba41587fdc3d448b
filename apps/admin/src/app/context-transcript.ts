import type { RunEvent, SessionMessage } from '../api/context-runs';
import { TERMINAL_RUN_STATUSES } from '../api/context-runs';

/** One line of the chat view: a turn, a tool call with its result, an approval, or how a run ended. */
export type TranscriptEntry =
  | { kind: 'user'; key: string; text: string }
  | { kind: 'assistant'; key: string; runId: string | null; stepIndex: number | null; text: string; streaming: boolean }
  | {
      kind: 'tool';
      key: string;
      runId: string | null;
      stepIndex: number | null;
      callId: string;
      name: string;
      arguments: unknown;
      status: 'requested' | 'waiting_approval' | 'ok' | 'error' | 'denied';
      content?: unknown;
      error?: { code: string; message: string };
      approvalId?: string;
    }
  | { kind: 'approval'; key: string; runId: string; callId: string | null; approvalId: string; approvalKind: string; decision: string | null }
  | { kind: 'outcome'; key: string; runId: string; status: string; reason: string | null };

export interface Transcript {
  entries: TranscriptEntry[];
  /** Last durable event seen per run: a resumed stream repeats nothing. */
  lastSeq: Record<string, number>;
  /** Latest status per run. */
  status: Record<string, string>;
}

export const EMPTY_TRANSCRIPT: Transcript = { entries: [], lastSeq: {}, status: {} };

/** The text of a message content: a string, or the text parts of a part list. */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : ''))
      .join('');
  }
  return content === null || content === undefined ? '' : JSON.stringify(content);
}

/** A session's stored conversation as transcript lines (tool results joined to their calls). */
export function transcriptFromMessages(messages: readonly SessionMessage[]): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  for (const stored of [...messages].sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER))) {
    const { message } = stored;
    if (message.role === 'user') entries.push({ kind: 'user', key: `m-${stored.id}`, text: messageText(message.content) });
    else if (message.role === 'assistant') {
      const text = messageText(message.content);
      if (text) entries.push({ kind: 'assistant', key: `m-${stored.id}`, runId: stored.runId, stepIndex: null, text, streaming: false });
      for (const call of message.toolCalls ?? []) {
        entries.push({ kind: 'tool', key: `t-${call.id}`, runId: stored.runId, stepIndex: null, callId: call.id, name: call.name, arguments: parseArguments(call.arguments), status: 'requested' });
      }
    } else if (message.role === 'tool' && message.toolCallId) {
      const index = entries.findIndex((entry) => entry.kind === 'tool' && entry.callId === message.toolCallId);
      const found = entries[index];
      if (found?.kind === 'tool') entries[index] = { ...found, status: found.status === 'requested' ? 'ok' : found.status, content: message.content };
    }
  }
  return entries;
}

function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const numberOrNull = (value: unknown) => (typeof value === 'number' ? value : null);

function reasonText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const { code, message } = value as { code?: unknown; message?: unknown };
    return [text(code), text(message)].filter(Boolean).join(': ') || null;
  }
  return null;
}

/**
 * Folds one run event into the transcript. Durable events at or below the run's last seq are
 * dropped (a reconnect resumes with Last-Event-ID, but a reload replays from the start); token
 * deltas grow the step's answer until `model.message` replaces it with the whole text.
 */
export function applyRunEvent(transcript: Transcript, event: RunEvent): Transcript {
  const { runId, data } = event;
  if (event.seq !== null && event.seq <= (transcript.lastSeq[runId] ?? 0)) return transcript;
  const lastSeq = event.seq === null ? transcript.lastSeq : { ...transcript.lastSeq, [runId]: event.seq };
  let entries = transcript.entries;
  let status = transcript.status;
  const stepIndex = numberOrNull(data['stepIndex']);
  const assistantKey = `a-${runId}-${stepIndex ?? 'x'}`;
  const upsert = (entry: TranscriptEntry) => {
    const index = entries.findIndex((existing) => existing.key === entry.key);
    entries = index === -1 ? [...entries, entry] : entries.map((existing, at) => (at === index ? entry : existing));
  };
  const find = (key: string) => entries.find((entry) => entry.key === key);
  const toolKey = (callId: string) => `t-${callId}`;

  switch (event.type) {
    case 'model.delta': {
      const current = find(assistantKey);
      const before = current?.kind === 'assistant' ? current.text : '';
      upsert({ kind: 'assistant', key: assistantKey, runId, stepIndex, text: before + text(data['text']), streaming: true });
      break;
    }
    case 'model.message': {
      const content = messageText(data['content']);
      if (content || find(assistantKey)) upsert({ kind: 'assistant', key: assistantKey, runId, stepIndex, text: content, streaming: false });
      const calls = Array.isArray(data['toolCalls']) ? (data['toolCalls'] as Array<{ id: string; name: string; arguments: unknown }>) : [];
      for (const call of calls) {
        if (!find(toolKey(call.id))) upsert({ kind: 'tool', key: toolKey(call.id), runId, stepIndex, callId: call.id, name: call.name, arguments: parseArguments(call.arguments), status: 'requested' });
      }
      break;
    }
    case 'tool.call': {
      const callId = text(data['callId']);
      const current = find(toolKey(callId));
      upsert({
        ...(current?.kind === 'tool' ? current : { status: 'requested' as const }),
        kind: 'tool',
        key: toolKey(callId),
        runId,
        stepIndex,
        callId,
        name: text(data['name']),
        arguments: parseArguments(data['arguments']),
      });
      break;
    }
    case 'tool.result': {
      const callId = text(data['callId']);
      const current = find(toolKey(callId));
      const outcome = text(data['status']);
      const error = data['error'] as { code: string; message: string } | undefined;
      upsert({
        ...(current?.kind === 'tool' ? current : { arguments: undefined }),
        kind: 'tool',
        key: toolKey(callId),
        runId,
        stepIndex,
        callId,
        name: text(data['name']) || (current?.kind === 'tool' ? current.name : ''),
        status: outcome === 'error' || outcome === 'denied' ? outcome : 'ok',
        content: data['content'],
        ...(error ? { error } : {}),
      });
      break;
    }
    case 'approval.requested': {
      const approvalId = text(data['approvalId']);
      const callId = text(data['callId']) || null;
      upsert({ kind: 'approval', key: `p-${approvalId}`, runId, callId, approvalId, approvalKind: text(data['kind']) || 'tool_call', decision: null });
      const call = callId ? find(toolKey(callId)) : undefined;
      if (call?.kind === 'tool') upsert({ ...call, status: 'waiting_approval', approvalId });
      break;
    }
    case 'approval.decided': {
      const approvalId = text(data['approvalId']);
      const current = find(`p-${approvalId}`);
      if (current?.kind === 'approval') upsert({ ...current, decision: text(data['decision']) || 'decided' });
      break;
    }
    case 'run.status': {
      status = { ...status, [runId]: text(data['status']) };
      if (TERMINAL_RUN_STATUSES.includes(text(data['status'])) && text(data['status']) !== 'completed') {
        upsert({ kind: 'outcome', key: `o-${runId}`, runId, status: text(data['status']), reason: reasonText(data['reason']) });
      }
      break;
    }
    case 'run.completed': {
      status = { ...status, [runId]: 'completed' };
      // Streaming answers are final now, even if a model.message was missed.
      entries = entries.map((entry) => (entry.kind === 'assistant' && entry.runId === runId ? { ...entry, streaming: false } : entry));
      const output = messageText(data['output']);
      if (output && !entries.some((entry) => entry.kind === 'assistant' && entry.runId === runId && entry.text === output)) {
        upsert({ kind: 'assistant', key: `a-${runId}-final`, runId, stepIndex: null, text: output, streaming: false });
      }
      break;
    }
    case 'run.failed': {
      const finalStatus = text(data['status']) || 'failed';
      status = { ...status, [runId]: finalStatus };
      entries = entries.map((entry) => (entry.kind === 'assistant' && entry.runId === runId ? { ...entry, streaming: false } : entry));
      upsert({ kind: 'outcome', key: `o-${runId}`, runId, status: finalStatus, reason: reasonText(data['reason']) });
      break;
    }
    default:
      break;
  }
  return { entries, lastSeq, status };
}

/** The run ended: the stream will say nothing more (stop listening instead of reconnecting). */
export function isTerminalEvent(event: RunEvent): boolean {
  if (event.type === 'run.completed' || event.type === 'run.failed') return true;
  return event.type === 'run.status' && TERMINAL_RUN_STATUSES.includes(text(event.data['status']));
}

/** An SSE message as a run event: the API sends the RunEventView as JSON (or only its data, with the type as the event name). */
export function runEventFromSse(eventName: string, data: string, lastEventId: string, runId: string): RunEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  if (typeof record['type'] === 'string' && typeof record['data'] === 'object' && record['data'] !== null) {
    return {
      seq: typeof record['seq'] === 'number' ? record['seq'] : null,
      runId: typeof record['runId'] === 'string' ? record['runId'] : runId,
      type: record['type'],
      data: record['data'] as Record<string, unknown>,
      at: typeof record['at'] === 'string' ? record['at'] : new Date().toISOString(),
    };
  }
  // Live deltas carry no id of their own (EventSource keeps the previous one): never a seq.
  const seq = eventName !== 'model.delta' && /^\d+$/.test(lastEventId) ? Number(lastEventId) : null;
  return { seq, runId, type: eventName, data: record, at: new Date().toISOString() };
}

/** A value shown in the chat, cut to a readable size (tool outputs can be large). */
export function preview(value: unknown, max = 600): string {
  const shown = typeof value === 'string' ? value : JSON.stringify(value, null, 2) ?? '';
  return shown.length > max ? `${shown.slice(0, max)}… (${shown.length - max} more characters)` : shown;
}
