import { describe, expect, it } from 'vitest';
import { agentSpecSchema } from '../agents/agent-spec';
import type { ConversationMessage } from './context-assembly.contract';
import { latestUserText, olderThanRecentTurns, orderedSources } from './context-assembler';
import { fillSection } from './context-sections';
import { tokenizerFor } from './context-tokenizer';

const tokenizer = tokenizerFor('openai', 'gpt-4o');
const candidate = (id: string, words: number) => ({ id, kind: 'fact', text: `- ${Array.from({ length: words }, () => 'pear').join(' ')}`, reason: `rank ${id}` });

describe('fillSection', () => {
  it('keeps candidates best first while they fit, skips one that does not and reports why', () => {
    const header = '## Facts';
    const small = tokenizer.text('\n' + candidate('a', 5).text);
    const headerTokens = tokenizer.text(`\n\n${header}`);
    const section = fillSection({ source: 'long_term_memory', header, candidates: [candidate('a', 5), candidate('b', 200), candidate('c', 5)], tokenizer, sourceBudget: headerTokens + 2 * small + 1, remaining: 10_000 });
    expect(section.report.items.map((item) => [item.id, item.included])).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
    ]);
    expect(section.report.items[1]?.reason).toBe('rank b; over the source token budget');
    expect(section.report.usedTokens).toBe(headerTokens + 2 * small);
    expect(section.text).toBe(`\n\n${header}\n${candidate('a', 5).text}\n${candidate('c', 5).text}`);
    expect(tokenizer.text(section.text)).toBeLessThanOrEqual(section.report.usedTokens);
  });

  it('says when the overall budget, not the source, left an item out; an empty section adds nothing', () => {
    const section = fillSection({ source: 'retrieval', header: '## Passages', candidates: [candidate('a', 50)], tokenizer, sourceBudget: null, remaining: 10 });
    expect(section.report.items[0]).toMatchObject({ included: false, reason: 'rank a; over the overall token budget' });
    expect(section.text).toBe('');
    expect(section.report.usedTokens).toBe(0);
  });
});

describe('assembly helpers', () => {
  const spec = (sources: unknown) => agentSpecSchema.parse({ instructions: 'x', model: { alias: 'fast' }, defaultPurpose: 'p', context: { sources } });

  it('orders sources as the spec lists them, instructions first and conversation present', () => {
    expect(orderedSources(spec([{ kind: 'retrieval', collections: ['a'] }, { kind: 'working_memory' }])).map((source) => source.kind)).toEqual([
      'instructions',
      'retrieval',
      'working_memory',
      'conversation',
    ]);
    expect(orderedSources(spec([{ kind: 'conversation' }, { kind: 'instructions' }, { kind: 'conversation' }])).map((source) => source.kind)).toEqual(['conversation', 'instructions']);
  });

  const messages = (roles: Array<'user' | 'assistant'>): ConversationMessage[] =>
    roles.map((role, index) => ({ id: `m${index}`, seq: index + 1, runId: null, message: role === 'user' ? { role, content: `u${index}` } : { role, content: `a${index}` }, untrusted: false, createdAt: new Date(0) }));

  it('finds the turns older than the newest N (a turn starts at a user message) and the latest user text', () => {
    const conversation = messages(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
    expect(olderThanRecentTurns(conversation, 2).map((message) => message.seq)).toEqual([1, 2]);
    expect(olderThanRecentTurns(conversation, 3)).toEqual([]);
    expect(olderThanRecentTurns(conversation, 5)).toEqual([]);
    expect(latestUserText(conversation)).toBe('u4');
    expect(latestUserText([])).toBe('');
  });
});
