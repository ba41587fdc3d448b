import { describe, expect, it } from 'vitest';
import { readFilters } from './url-filters';
import { RUN_FILTERS, runQuery, runStatusTone, usageText } from './context-run-filters';

describe('run list filters', () => {
  it('reads agent and status from the URL, ignoring unknown statuses', () => {
    expect(readFilters(new URLSearchParams('agentId=a1&status=failed'), RUN_FILTERS)).toEqual({ agentId: 'a1', status: 'failed' });
    expect(readFilters(new URLSearchParams('status=exploded'), RUN_FILTERS)).toEqual({ agentId: '', status: '' });
  });

  it('asks the API only for the filters set', () => {
    expect(runQuery({ agentId: '', status: '' })).toEqual({});
    expect(runQuery({ agentId: 'a1', status: 'waiting_approval' })).toEqual({ agentId: 'a1', status: 'waiting_approval' });
  });

  it('gives each status a tone and usage a short text', () => {
    expect(['completed', 'waiting_budget', 'running', 'limit_exceeded'].map(runStatusTone)).toEqual(['ok', 'wait', 'busy', 'fail']);
    expect(usageText({ inputTokens: 1200, outputTokens: 34, costUsd: '0.00123' })).toBe('1,234 tokens (1,200 in, 34 out) $0.0012');
    expect(usageText({ tokens: 10 })).toBe('10 tokens');
    expect(usageText(null)).toBe('—');
  });
});
