import { RUN_STATUSES, type RunQuery } from '../api/context-runs';
import type { FilterSpec, FilterValues } from './url-filters';

export type RunFilterKey = 'agentId' | 'status';

/** The run list's filters in the URL: `?agentId=<id>&status=failed`. */
export const RUN_FILTERS: FilterSpec<RunFilterKey> = {
  defaults: { agentId: '', status: '' },
  allowed: { status: ['', ...RUN_STATUSES] },
};

export function runQuery(filters: FilterValues<RunFilterKey>): RunQuery {
  return { ...(filters.agentId ? { agentId: filters.agentId } : {}), ...(filters.status ? { status: filters.status } : {}) };
}

/** A run's status as a badge class: finished well, needs someone, still going, or ended badly. */
export function runStatusTone(status: string): 'ok' | 'wait' | 'busy' | 'fail' {
  if (status === 'completed') return 'ok';
  if (status === 'waiting_approval' || status === 'waiting_budget') return 'wait';
  if (status === 'queued' || status === 'running') return 'busy';
  return 'fail';
}

/** Tokens and cost of a run or step, as one short text. */
export function usageText(usage: { inputTokens?: number; outputTokens?: number; totalTokens?: number; tokens?: number; costUsd?: number | string } | null | undefined): string {
  if (!usage) return '—';
  const total = usage.totalTokens ?? usage.tokens ?? (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
  const parts = [`${total.toLocaleString('en-US')} tokens`];
  if (usage.inputTokens !== undefined && usage.outputTokens !== undefined) parts.push(`(${usage.inputTokens.toLocaleString('en-US')} in, ${usage.outputTokens.toLocaleString('en-US')} out)`);
  if (usage.costUsd !== undefined && usage.costUsd !== null && usage.costUsd !== '') parts.push(`$${Number(usage.costUsd).toFixed(4)}`);
  return parts.join(' ');
}
