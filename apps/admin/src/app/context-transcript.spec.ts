import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../api/context-runs';
import { applyRunEvent, EMPTY_TRANSCRIPT, isTerminalEvent, messageText, preview, runEventFromSse, transcriptFromMessages, type Transcript } from './context-transcript';

let at = 0;
const event = (seq: number | null, type: string, data: Record<string, unknown>, runId = 'r1'): RunEvent => ({ seq, runId, type, data, at: new Date(at++).toISOString() });
const fold = (events: RunEvent[], start: Transcript = EMPTY_TRANSCRIPT) => events.reduce(applyRunEvent, start);

describe('chat transcript', () => {
  it('grows the answer with token deltas, then replaces it with the whole message', () => {
    const streaming = fold([event(1, 'run.status', { status: 'running' }), event(null, 'model.delta', { stepIndex: 0, text: 'Hel' }), event(null, 'model.delta', { stepIndex: 0, text: 'lo' })]);
    expect(streaming.entries).toEqual([{ kind: 'assistant', key: 'a-r1-0', runId: 'r1', stepIndex: 0, text: 'Hello', streaming: true }]);
    expect(streaming.status).toEqual({ r1: 'running' });
    const done = fold([event(2, 'model.message', { stepIndex: 0, content: 'Hello there.', toolCalls: [] }), event(3, 'run.completed', { output: 'Hello there.' })], streaming);
    expect(done.entries).toEqual([{ kind: 'assistant', key: 'a-r1-0', runId: 'r1', stepIndex: 0, text: 'Hello there.', streaming: false }]);
    expect(done.status['r1']).toBe('completed');
  });

  it('shows a tool call inline with its arguments, then its result', () => {
    const transcript = fold([
      event(1, 'model.message', { stepIndex: 0, content: '', toolCalls: [{ id: 'c1', name: 'lookup_order', arguments: '{"order":"O-1"}' }] }),
      event(2, 'tool.call', { stepIndex: 0, callId: 'c1', name: 'lookup_order', arguments: { order: 'O-1' } }),
      event(3, 'tool.result', { stepIndex: 0, callId: 'c1', name: 'lookup_order', status: 'ok', content: { status: 'shipped' } }),
      event(null, 'model.delta', { stepIndex: 1, text: 'It shipped.' }),
    ]);
    expect(transcript.entries.map((entry) => entry.kind)).toEqual(['tool', 'assistant']);
    expect(transcript.entries[0]).toMatchObject({ name: 'lookup_order', arguments: { order: 'O-1' }, status: 'ok', content: { status: 'shipped' } });
  });

  it('marks a call waiting for approval and records the decision; a rejection comes back as an error result', () => {
    const transcript = fold([
      event(1, 'tool.call', { stepIndex: 0, callId: 'c1', name: 'refund', arguments: { amount: 5 } }),
      event(2, 'approval.requested', { stepIndex: 0, callId: 'c1', approvalId: 'ap1', kind: 'tool_call' }),
      event(3, 'run.status', { status: 'waiting_approval' }),
    ]);
    expect(transcript.entries).toMatchObject([
      { kind: 'tool', status: 'waiting_approval', approvalId: 'ap1' },
      { kind: 'approval', approvalId: 'ap1', approvalKind: 'tool_call', decision: null },
    ]);
    const decided = fold(
      [event(4, 'approval.decided', { approvalId: 'ap1', decision: 'rejected' }), event(5, 'tool.result', { stepIndex: 0, callId: 'c1', status: 'error', content: null, error: { code: 'context.tool_rejected', message: 'rejected' } })],
      transcript,
    );
    expect(decided.entries).toMatchObject([
      { kind: 'tool', name: 'refund', status: 'error', error: { code: 'context.tool_rejected' } },
      { kind: 'approval', decision: 'rejected' },
    ]);
  });

  it('drops durable events it has already seen (a resumed or replayed stream), never live deltas', () => {
    const once = fold([event(1, 'tool.call', { callId: 'c1', name: 'a', arguments: {} }), event(2, 'tool.result', { callId: 'c1', status: 'ok', content: 1 })]);
    const again = fold([event(1, 'tool.call', { callId: 'c1', name: 'a', arguments: {} }), event(2, 'tool.result', { callId: 'c1', status: 'ok', content: 1 })], once);
    expect(again).toBe(once);
    expect(once.lastSeq).toEqual({ r1: 2 });
    // Runs keep their own sequences.
    expect(fold([event(1, 'run.status', { status: 'queued' }, 'r2')], once).lastSeq).toEqual({ r1: 2, r2: 1 });
  });

  it('says how a run ended when it did not complete', () => {
    const failed = fold([event(1, 'run.failed', { status: 'limit_exceeded', reason: { code: 'context.max_steps', message: 'max steps 3 reached' } })]);
    expect(failed.entries).toEqual([{ kind: 'outcome', key: 'o-r1', runId: 'r1', status: 'limit_exceeded', reason: 'context.max_steps: max steps 3 reached' }]);
    expect(isTerminalEvent(event(2, 'run.status', { status: 'cancelled' }))).toBe(true);
    expect(isTerminalEvent(event(2, 'run.status', { status: 'waiting_approval' }))).toBe(false);
  });

  it('rebuilds a stored conversation with tool results joined to their calls', () => {
    const entries = transcriptFromMessages([
      { id: 'm3', seq: 3, runId: 'r1', message: { role: 'tool', content: '{"untrusted_tool_output":1}', toolCallId: 'c1' }, createdAt: '' },
      { id: 'm1', seq: 1, runId: null, message: { role: 'user', content: [{ type: 'text', text: 'Where is O-1?' }] }, createdAt: '' },
      { id: 'm2', seq: 2, runId: 'r1', message: { role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'lookup', arguments: '{"id":"O-1"}' }] }, createdAt: '' },
      { id: 'm4', seq: 4, runId: 'r1', message: { role: 'assistant', content: 'Shipped.' }, createdAt: '' },
    ]);
    expect(entries).toMatchObject([
      { kind: 'user', text: 'Where is O-1?' },
      { kind: 'tool', name: 'lookup', arguments: { id: 'O-1' }, status: 'ok', content: '{"untrusted_tool_output":1}' },
      { kind: 'assistant', text: 'Shipped.' },
    ]);
  });

  it('reads SSE messages in either shape, and keeps deltas out of the sequence', () => {
    expect(runEventFromSse('message', JSON.stringify({ seq: 4, runId: 'r9', type: 'tool.call', data: { callId: 'x' }, at: 'now' }), '4', 'r9')).toEqual({
      seq: 4,
      runId: 'r9',
      type: 'tool.call',
      data: { callId: 'x' },
      at: 'now',
    });
    expect(runEventFromSse('tool.call', JSON.stringify({ callId: 'x' }), '7', 'r9')).toMatchObject({ seq: 7, type: 'tool.call', data: { callId: 'x' } });
    expect(runEventFromSse('model.delta', JSON.stringify({ text: 'a' }), '7', 'r9')).toMatchObject({ seq: null });
    expect(runEventFromSse('message', 'not json', '', 'r9')).toBeUndefined();
  });

  it('shows text parts and cuts long values', () => {
    expect(messageText([{ type: 'text', text: 'a' }, { type: 'image' }, { type: 'text', text: 'b' }])).toBe('ab');
    expect(preview('x'.repeat(700), 600)).toBe(`${'x'.repeat(600)}… (100 more characters)`);
    expect(preview({ a: 1 })).toBe('{\n  "a": 1\n}');
  });
});
