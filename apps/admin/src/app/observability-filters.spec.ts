import { describe, expect, it } from 'vitest';
import {
  DATA_ACCESS_FILTERS,
  dataAccessFilterProblems,
  dataAccessQuery,
  TRACE_FILTERS,
  traceFilterProblems,
  traceQuery,
  traceRangeLabel,
} from './observability-filters';
import { readFilters, writeFilters } from './url-filters';

const NOW = new Date('2026-11-22T12:00:00.000Z');

describe('trace filters ⇄ URL', () => {
  it('keeps only what differs from the defaults, and round-trips', () => {
    const values = { ...TRACE_FILTERS.defaults, last: '1h', status: 'error', model: 'gpt-4o-mini', minDurationMs: '250' };
    const params = writeFilters(values, TRACE_FILTERS);
    expect(params.toString()).toBe('last=1h&status=error&model=gpt-4o-mini&minDurationMs=250');
    expect(readFilters(params, TRACE_FILTERS)).toEqual(values);
    expect(writeFilters(TRACE_FILTERS.defaults, TRACE_FILTERS).toString()).toBe('');
  });

  it('falls back to the defaults for a window or status the page does not offer', () => {
    expect(readFilters(new URLSearchParams('last=2y&status=broken'), TRACE_FILTERS)).toMatchObject({ last: '24h', status: '' });
  });
});

describe('trace filters → API query', () => {
  it('asks for the last 24 hours by default', () => {
    expect(traceQuery(TRACE_FILTERS.defaults, NOW)).toEqual({ from: '2026-11-21T12:00:00.000Z' });
  });

  it('resolves a relative window against now, or before the chosen end', () => {
    expect(traceQuery({ ...TRACE_FILTERS.defaults, last: '15m' }, NOW)).toEqual({ from: '2026-11-22T11:45:00.000Z' });
    expect(traceQuery({ ...TRACE_FILTERS.defaults, last: '1h', to: '2026-11-20T08:00:00.000Z' }, NOW)).toEqual({
      from: '2026-11-20T07:00:00.000Z',
      to: '2026-11-20T08:00:00.000Z',
    });
  });

  it('uses an explicit start instead of the window', () => {
    expect(traceQuery({ ...TRACE_FILTERS.defaults, last: '15m', from: '2026-11-22T09:00:00.000Z' }, NOW)).toEqual({ from: '2026-11-22T09:00:00.000Z' });
  });

  it('sends status, agent, model and minimum duration when set', () => {
    expect(
      traceQuery({ ...TRACE_FILTERS.defaults, status: 'error', agentId: 'claims-agent', model: 'gpt-4o-mini', minDurationMs: '1500.5' }, NOW),
    ).toEqual({ from: '2026-11-21T12:00:00.000Z', status: 'error', agentId: 'claims-agent', model: 'gpt-4o-mini', minDurationMs: 1500.5 });
  });

  it('describes the range shown', () => {
    expect(traceRangeLabel(TRACE_FILTERS.defaults)).toBe('last 24 hours');
    expect(traceRangeLabel({ ...TRACE_FILTERS.defaults, last: '7d', to: '2026-11-20T08:00:00.000Z' })).toBe('last 7 days before the chosen end');
    expect(traceRangeLabel({ ...TRACE_FILTERS.defaults, from: '2026-11-20T08:00:00.000Z' })).toBe('since the chosen start');
  });

  it('refuses what the API would refuse', () => {
    expect(traceFilterProblems(TRACE_FILTERS.defaults)).toEqual({});
    expect(traceFilterProblems({ ...TRACE_FILTERS.defaults, from: '2026-11-22T10:00:00.000Z', to: '2026-11-22T09:00:00.000Z' })).toEqual({ to: 'Must be after "From".' });
    expect(traceFilterProblems({ ...TRACE_FILTERS.defaults, from: '2026-09-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' })).toEqual({
      from: 'The range may cover at most 31 days.',
    });
    expect(traceFilterProblems({ ...TRACE_FILTERS.defaults, minDurationMs: '-3' })).toHaveProperty('minDurationMs');
    expect(traceFilterProblems({ ...TRACE_FILTERS.defaults, minDurationMs: 'slow' })).toHaveProperty('minDurationMs');
    expect(traceFilterProblems({ ...TRACE_FILTERS.defaults, minDurationMs: '250' })).toEqual({});
  });
});

describe('data-access filters', () => {
  it('round-trips through the URL and sends only what is set', () => {
    const values = { ...DATA_ACCESS_FILTERS.defaults, actorType: 'agent', resourceType: 'Document', traceId: 'ABCDEF0123456789ABCDEF0123456789' };
    const params = writeFilters(values, DATA_ACCESS_FILTERS);
    expect(params.toString()).toBe('actorType=agent&resourceType=Document&traceId=ABCDEF0123456789ABCDEF0123456789');
    expect(readFilters(params, DATA_ACCESS_FILTERS)).toEqual(values);
    expect(dataAccessQuery(values)).toEqual({ actorType: 'agent', resourceType: 'Document', traceId: 'abcdef0123456789abcdef0123456789' });
    expect(readFilters(new URLSearchParams('actorType=robot'), DATA_ACCESS_FILTERS).actorType).toBe('');
  });

  it('refuses a malformed trace id and an empty range', () => {
    expect(dataAccessFilterProblems({ ...DATA_ACCESS_FILTERS.defaults, traceId: 'xyz' })).toEqual({ traceId: 'A trace id is 32 hexadecimal digits.' });
    expect(dataAccessFilterProblems({ ...DATA_ACCESS_FILTERS.defaults, from: '2026-11-22T10:00:00.000Z', to: '2026-11-22T10:00:00.000Z' })).toEqual({
      to: 'Must be after "From".',
    });
  });
});
