import type { ContextReport, ContextSourceReport } from '../api/context-runs';

export interface SourceSummary {
  source: string;
  budgetTokens: number | null;
  usedTokens: number;
  included: number;
  excluded: number;
  /** Share of the whole prompt budget this source used (0–100, one decimal). */
  shareOfBudget: number;
  error: string | null;
}

/** One row per source of an assembled context: what it used, kept and left out. */
export function summarizeSources(report: ContextReport): SourceSummary[] {
  return report.sources.map((source: ContextSourceReport) => ({
    source: source.source,
    budgetTokens: source.budgetTokens,
    usedTokens: source.usedTokens,
    included: source.items.filter((item) => item.included).length,
    excluded: source.items.filter((item) => !item.included).length,
    shareOfBudget: report.budgetTokens > 0 ? Math.round((source.usedTokens / report.budgetTokens) * 1000) / 10 : 0,
    error: source.error ? `${source.error.code}: ${source.error.message}` : null,
  }));
}

/** Headline of the inspector: tokens used of the budget, tool schemas, what was left out. */
export function reportHeadline(report: ContextReport): string {
  const excluded = report.sources.reduce((count, source) => count + source.items.filter((item) => !item.included).length, 0);
  const parts = [
    `${report.totalTokens.toLocaleString('en-US')} of ${report.budgetTokens.toLocaleString('en-US')} tokens (${report.tokenizer})`,
    `tool schemas ${report.toolSchemaTokens.toLocaleString('en-US')}`,
    excluded ? `${excluded} item${excluded === 1 ? '' : 's'} left out` : 'nothing left out',
  ];
  if (report.compaction) parts.push(`${report.compaction.summarizedMessages} older messages summarised (${report.compaction.summaryTokens} tokens)`);
  return parts.join(' · ');
}

/** Items of a source in the order worth reading: left-out ones first (why?), then the largest. */
export function itemsWorthReading(source: ContextSourceReport): ContextSourceReport['items'] {
  return [...source.items].sort((a, b) => Number(a.included) - Number(b.included) || b.tokens - a.tokens);
}
