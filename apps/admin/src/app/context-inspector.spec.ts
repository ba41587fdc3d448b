import { describe, expect, it } from 'vitest';
import type { ContextReport } from '../api/context-runs';
import { itemsWorthReading, reportHeadline, summarizeSources } from './context-inspector';

const report: ContextReport = {
  tokenizer: 'o200k_base',
  budgetTokens: 2_000,
  totalTokens: 1_250,
  toolSchemaTokens: 120,
  sources: [
    { source: 'instructions', budgetTokens: null, usedTokens: 50, items: [{ id: 'spec', kind: 'instructions', tokens: 50, included: true, reason: 'always' }] },
    {
      source: 'conversation',
      budgetTokens: 1_500,
      usedTokens: 1_080,
      items: [
        { id: 'm1', kind: 'message', tokens: 900, included: false, reason: 'over source budget' },
        { id: 'm2', kind: 'message', tokens: 80, included: true, reason: 'recent turn' },
        { id: 'm3', kind: 'message', tokens: 1_000, included: true, reason: 'recent turn' },
      ],
    },
    { source: 'retrieval', budgetTokens: 400, usedTokens: 0, items: [], error: { code: 'vectors.unavailable', message: 'down' } },
  ],
  compaction: { summarizedMessages: 12, throughSeq: 24, summaryMemoryId: 'mem1', summaryTokens: 140 },
};

describe('context inspector', () => {
  it('summarizes each source: used, kept, left out, share of the budget, failures', () => {
    expect(summarizeSources(report)).toEqual([
      { source: 'instructions', budgetTokens: null, usedTokens: 50, included: 1, excluded: 0, shareOfBudget: 2.5, error: null },
      { source: 'conversation', budgetTokens: 1_500, usedTokens: 1_080, included: 2, excluded: 1, shareOfBudget: 54, error: null },
      { source: 'retrieval', budgetTokens: 400, usedTokens: 0, included: 0, excluded: 0, shareOfBudget: 0, error: 'vectors.unavailable: down' },
    ]);
  });

  it('says in one line what the step was given', () => {
    expect(reportHeadline(report)).toBe('1,250 of 2,000 tokens (o200k_base) · tool schemas 120 · 1 item left out · 12 older messages summarised (140 tokens)');
    expect(reportHeadline({ ...report, sources: [], compaction: undefined })).toContain('nothing left out');
  });

  it('lists left-out items first, then the largest', () => {
    expect(itemsWorthReading(report.sources[1] as ContextReport['sources'][number]).map((item) => item.id)).toEqual(['m1', 'm3', 'm2']);
  });
});
