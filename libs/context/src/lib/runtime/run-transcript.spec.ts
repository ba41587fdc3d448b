import { describe, expect, it } from 'vitest';
import { agentSpecSchema } from '../agents/agent-spec';
import {
  assistantMessageOf,
  budgetExtensionUsd,
  distinctCallIds,
  idempotencyKeyOf,
  limitVerdict,
  TOOL_OUTPUT_MAX_CHARS,
  toolMessageOf,
  UNTRUSTED_TOOL_OUTPUT_NOTE,
  withUntrustedNote,
} from './run-transcript';

const spec = (limits: Record<string, unknown> = {}) => agentSpecSchema.parse({ instructions: 'x', model: { alias: 'fast' }, defaultPurpose: 'support', limits });
const counters = { steps: 0, tokens: 0, costUsd: 0, extraBudgetUsd: 0, activeMs: 0 };

describe('run transcript rules', () => {
  it('wraps tool output as untrusted data, in canonical JSON whatever the key order', () => {
    const a = toolMessageOf('c1', { status: 'ok', content: { b: 1, a: [{ y: 2, x: 1 }] } });
    const b = toolMessageOf('c1', { status: 'ok', content: { a: [{ x: 1, y: 2 }], b: 1 } });
    expect(a).toEqual(b);
    expect(a).toEqual({ role: 'tool', toolCallId: 'c1', content: '{"untrusted_tool_output":{"content":{"a":[{"x":1,"y":2}],"b":1},"status":"ok"}}' });
    const denied = toolMessageOf('c2', { status: 'denied', content: null, error: { code: 'context.tool_permission_denied', message: 'no' } });
    expect(JSON.parse((denied as { content: string }).content)).toEqual({ untrusted_tool_output: { status: 'denied', content: null, error: { code: 'context.tool_permission_denied', message: 'no' } } });
  });

  it('caps large tool output and says so', () => {
    const message = toolMessageOf('c1', { status: 'ok', content: 'x'.repeat(TOOL_OUTPUT_MAX_CHARS * 2) }) as { content: string };
    expect(message.content.length).toBeLessThanOrEqual(TOOL_OUTPUT_MAX_CHARS);
    expect(JSON.parse(message.content).untrusted_tool_output).toMatchObject({ status: 'ok', truncated: true });
  });

  it('adds the untrusted-output note after the system messages, only when tool output is present', () => {
    const plain = [
      { role: 'system' as const, content: 'instructions' },
      { role: 'user' as const, content: 'hi' },
    ];
    expect(withUntrustedNote(plain)).toBe(plain);
    const withTool = [...plain, { role: 'assistant' as const, content: null, toolCalls: [{ id: 'c1', name: 't', arguments: '{}' }] }, { role: 'tool' as const, toolCallId: 'c1', content: '{}' }];
    const noted = withUntrustedNote(withTool);
    expect(noted[1]).toEqual({ role: 'system', content: UNTRUSTED_TOOL_OUTPUT_NOTE });
    expect(noted).toHaveLength(withTool.length + 1);
  });

  it('records assistant messages with or without tool calls, and keeps call ids distinct', () => {
    expect(assistantMessageOf({ content: 'done', toolCalls: [], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 }, route: null })).toEqual({ role: 'assistant', content: 'done' });
    const calls = distinctCallIds([
      { id: 'a', name: 't', arguments: '{}' },
      { id: 'a', name: 't', arguments: '{}' },
      { id: '', name: 't', arguments: '{}' },
    ]);
    expect(calls.map((call) => call.id)).toEqual(['a', 'a#1', 'call_2']);
    expect(assistantMessageOf({ content: '', toolCalls: calls, finishReason: 'tool_calls', usage: { inputTokens: 1, outputTokens: 1 }, route: null })).toMatchObject({ role: 'assistant', content: null });
    expect(idempotencyKeyOf('run', 3, 'a#1')).toBe('run:3:a#1');
  });

  it('checks limits in order: steps, tokens, wall time, then the cost cap (a suspension, not an end)', () => {
    expect(limitVerdict(spec(), counters)).toEqual({ kind: 'ok' });
    expect(limitVerdict(spec({ maxSteps: 2 }), { ...counters, steps: 2 })).toMatchObject({ kind: 'limit_exceeded', code: 'context.max_steps' });
    expect(limitVerdict(spec({ maxTokens: 10 }), { ...counters, tokens: 10 })).toMatchObject({ kind: 'limit_exceeded', code: 'context.max_tokens' });
    expect(limitVerdict(spec({ maxWallTimeMs: 1000 }), { ...counters, activeMs: 1000 })).toMatchObject({ kind: 'limit_exceeded', code: 'context.max_wall_time' });
    expect(limitVerdict(spec({ maxCostUsd: 0.5 }), { ...counters, costUsd: 0.5 })).toMatchObject({ kind: 'budget', code: 'context.max_cost' });
    expect(limitVerdict(spec({ maxCostUsd: 0.5 }), { ...counters, costUsd: 0.5, extraBudgetUsd: 0.1 })).toEqual({ kind: 'ok' });
  });

  it('extends a budget by the overspend plus the cap once more', () => {
    expect(budgetExtensionUsd(spec({ maxCostUsd: 0.05 }), { costUsd: 0.1, extraBudgetUsd: 0 })).toBeCloseTo(0.1);
    expect(budgetExtensionUsd(spec(), { costUsd: 0, extraBudgetUsd: 0 })).toBeCloseTo(0.01);
  });
});
