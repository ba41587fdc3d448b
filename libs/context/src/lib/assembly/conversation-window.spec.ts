import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@strata/model-gateway';
import type { ConversationMessage } from './context-assembly.contract';
import { MESSAGE_FRAMING_TOKENS, tokenizerFor } from './context-tokenizer';
import { conversationWindow, ELIDED_TOOL_RESULT } from './conversation-window';

const tokenizer = tokenizerFor('openai', 'gpt-4o');

/** The element at `index` (negative: from the end); fails the test when it is missing. */
function at<T>(items: readonly T[], index: number): T {
  const item = items.at(index);
  if (item === undefined) throw new Error(`nothing at ${index}`);
  return item;
}

function conversation(...messages: ChatMessage[]): ConversationMessage[] {
  return messages.map((message, index) => ({ id: `m${index + 1}`, seq: index + 1, runId: null, message, untrusted: message.role === 'tool', createdAt: new Date(0) }));
}

const words = (count: number, word = 'apple') => Array.from({ length: count }, () => word).join(' ');

/** A user turn that calls a tool with a big result, then the answer. */
const toolTurn = (question: string, result: string): ChatMessage[] => [
  { role: 'user', content: question },
  { role: 'assistant', content: null, toolCalls: [{ id: `call-${question}`, name: 'lookup', arguments: '{"q":"x"}' }] },
  { role: 'tool', toolCallId: `call-${question}`, content: result },
  { role: 'assistant', content: `Answer to ${question}` },
];

describe('conversationWindow', () => {
  it('keeps everything that fits, reports each message with the exact tokenizer count', () => {
    const messages = conversation({ role: 'user', content: 'Hello there' }, { role: 'assistant', content: 'Hi! How can I help?' });
    const window = conversationWindow({ messages, tokenizer, budget: 1_000, toolResultsBudget: null });
    expect(window.messages).toEqual(messages.map((message) => message.message));
    expect(window.conversationItems.map((item) => item.tokens)).toEqual([countTokens('Hello there') + MESSAGE_FRAMING_TOKENS, countTokens('Hi! How can I help?') + MESSAGE_FRAMING_TOKENS]);
    expect(window.conversationItems.every((item) => item.included && item.reason === 'recent turn')).toBe(true);
    expect(window.conversationTokens).toBe(window.conversationItems.reduce((sum, item) => sum + item.tokens, 0));
    expect(window.droppedForBudget).toBe(0);
  });

  it('keeps the newest turns first and drops everything older than the first turn that does not fit', () => {
    const messages = conversation(
      { role: 'user', content: words(50) },
      { role: 'assistant', content: words(50) },
      { role: 'user', content: 'short question' },
      { role: 'assistant', content: 'short answer' },
    );
    const newestTwo = tokenizer.message(at(messages, 2).message) + tokenizer.message(at(messages, 3).message);
    const window = conversationWindow({ messages, tokenizer, budget: newestTwo + 10, toolResultsBudget: null });
    expect(window.messages).toEqual([at(messages, 2).message, at(messages, 3).message]);
    expect(window.conversationItems.map((item) => [item.id, item.included])).toEqual([
      ['m1', false],
      ['m2', false],
      ['m3', true],
      ['m4', true],
    ]);
    expect(at(window.conversationItems, 1).reason).toMatch(/over the conversation token budget/);
    expect(at(window.conversationItems, 0).reason).toMatch(/older than a turn that did not fit/);
    expect(window.droppedForBudget).toBe(2);
    expect(window.oldestKeptSeq).toBe(3);
  });

  it('never splits a tool call from its results: the unit goes whole or not at all', () => {
    const messages = conversation(...toolTurn('first', words(200, 'data')), { role: 'user', content: 'and now?' });
    // Room for the last message and part of the tool unit, never for all of it.
    const budget = tokenizer.message(at(messages, 4).message) + tokenizer.message(at(messages, 3).message) + 20;
    const window = conversationWindow({ messages, tokenizer, budget, toolResultsBudget: null });
    const roles = window.messages.map((message) => message.role);
    // No orphan tool message, and no assistant tool call without its result.
    for (let index = 0; index < window.messages.length; index++) {
      const message = at(window.messages, index);
      if (message.role === 'tool') expect(window.messages.slice(0, index).some((earlier) => earlier.role === 'assistant' && earlier.toolCalls?.some((call) => call.id === message.toolCallId))).toBe(true);
      if (message.role === 'assistant' && message.toolCalls?.length) expect(window.messages.some((later) => later.role === 'tool' && later.toolCallId === at(message.toolCalls ?? [], 0).id)).toBe(true);
    }
    expect(roles).toEqual(['assistant', 'user']);
  });

  it('tries a unit with its tool results elided before dropping it (the call stays answered)', () => {
    const messages = conversation(...toolTurn('first', words(300, 'data')));
    const elidedSize =
      tokenizer.message(at(messages, 0).message) +
      tokenizer.message(at(messages, 1).message) +
      tokenizer.message({ role: 'tool', toolCallId: 'call-first', content: ELIDED_TOOL_RESULT }) +
      tokenizer.message(at(messages, 3).message);
    const window = conversationWindow({ messages, tokenizer, budget: elidedSize + 5, toolResultsBudget: null });
    expect(window.messages).toHaveLength(4);
    expect(window.messages[2]).toEqual({ role: 'tool', toolCallId: 'call-first', content: ELIDED_TOOL_RESULT });
    expect(window.toolResultItems[0]).toMatchObject({ id: 'm3', included: true, reason: expect.stringMatching(/replaced by a note/) });
  });

  it('caps tool results with their own budget, newest first; older results become notes', () => {
    const messages = conversation(...toolTurn('first', words(100, 'old')), ...toolTurn('second', words(100, 'new')));
    const resultTokens = tokenizer.message(at(messages, 6).message);
    const window = conversationWindow({ messages, tokenizer, budget: 10_000, toolResultsBudget: resultTokens + 5 });
    expect(window.messages).toHaveLength(8);
    expect(window.messages[2]).toMatchObject({ role: 'tool', content: ELIDED_TOOL_RESULT });
    expect(window.messages[6]).toEqual(at(messages, 6).message);
    expect(window.toolResultTokens).toBe(resultTokens + tokenizer.message({ role: 'tool', toolCallId: 'call-first', content: ELIDED_TOOL_RESULT }));
    expect(window.toolResultItems.map((item) => item.tokens)).toEqual([tokenizer.message(at(window.messages, 2)), resultTokens]);
  });

  it('drops a tool result whose call is not in the conversation', () => {
    const messages = conversation({ role: 'tool', toolCallId: 'gone', content: 'orphan' }, { role: 'user', content: 'hi' });
    const window = conversationWindow({ messages, tokenizer, budget: 1_000, toolResultsBudget: null });
    expect(window.messages).toEqual([{ role: 'user', content: 'hi' }]);
    expect(window.toolResultItems[0]).toMatchObject({ id: 'm1', included: false, reason: expect.stringMatching(/without its tool call/) });
  });
});
