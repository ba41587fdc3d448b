import { describe, expect, it } from 'vitest';
import type { SpanNode } from '../api/observability';
import {
  allSpans,
  ancestorIds,
  barGeometry,
  errorsBelow,
  exceptionOf,
  formatCost,
  formatDuration,
  formatTokens,
  genAiFacts,
  initialSpan,
  sortedAttributes,
  timeTicks,
  visibleRows,
} from './trace-view';

function span(spanId: string, children: SpanNode[] = [], overrides: Partial<SpanNode> = {}): SpanNode {
  return {
    spanId,
    parentSpanId: null,
    name: spanId,
    kind: 'internal',
    serviceName: 'strata-api',
    startTime: '2026-11-22T10:00:00.000Z',
    endTime: '2026-11-22T10:00:00.100Z',
    offsetMs: 0,
    durationMs: 100,
    status: { code: 'unset', message: null },
    agentId: null,
    model: null,
    inputTokens: null,
    outputTokens: null,
    costUsd: null,
    attributes: {},
    events: null,
    children: children.map((child) => ({ ...child, parentSpanId: spanId })),
    ...overrides,
  };
}

const failed = (spanId: string, children: SpanNode[] = []) => span(spanId, children, { status: { code: 'error', message: 'boom' } });

// GET /x ─┬─ auth
//         └─ handler ─┬─ db (error)
//                     └─ llm (error)
// orphan (its parent was not stored)
const TREE = [span('root', [span('auth'), span('handler', [failed('db'), failed('llm')])]), span('orphan')];

describe('span tree rows', () => {
  it('lists every span depth first in display order', () => {
    expect(allSpans(TREE).map((node) => node.spanId)).toEqual(['root', 'auth', 'handler', 'db', 'llm', 'orphan']);
  });

  it('gives each row its level, position among siblings and parent (for aria-level, aria-posinset, aria-setsize)', () => {
    const rows = visibleRows(TREE, new Set());
    expect(rows.map((row) => [row.span.spanId, row.level, row.position, row.siblings, row.parentId, row.hasChildren, row.expanded])).toEqual([
      ['root', 1, 1, 2, null, true, true],
      ['auth', 2, 1, 2, 'root', false, false],
      ['handler', 2, 2, 2, 'root', true, true],
      ['db', 3, 1, 2, 'handler', false, false],
      ['llm', 3, 2, 2, 'handler', false, false],
      ['orphan', 1, 2, 2, null, false, false],
    ]);
  });

  it('hides the descendants of a collapsed span and counts the errors it hides', () => {
    const rows = visibleRows(TREE, new Set(['handler']));
    expect(rows.map((row) => row.span.spanId)).toEqual(['root', 'auth', 'handler', 'orphan']);
    const handler = rows.find((row) => row.span.spanId === 'handler');
    expect(handler).toMatchObject({ expanded: false, hasChildren: true, errorsBelow: 2 });
    expect(visibleRows(TREE, new Set(['root'])).map((row) => row.span.spanId)).toEqual(['root', 'orphan']);
  });

  it('counts failed descendants of every span', () => {
    const counts = errorsBelow([failed('a', [failed('b', [failed('c')]), span('d')])]);
    expect(Object.fromEntries(counts)).toEqual({ a: 2, b: 1, c: 0, d: 0 });
  });

  it('handles a deep trace without recursion', () => {
    let deep = span('leaf');
    for (let depth = 0; depth < 20_000; depth += 1) deep = span(`s${depth}`, [deep]);
    const rows = visibleRows([deep], new Set());
    expect(rows).toHaveLength(20_001);
    expect(rows.at(-1)?.level).toBe(20_001);
    expect(ancestorIds([deep], 'leaf')).toHaveLength(20_000);
  });

  it('finds the ancestors of a span, nearest first, to expand the path to it', () => {
    expect(ancestorIds(TREE, 'db')).toEqual(['handler', 'root']);
    expect(ancestorIds(TREE, 'orphan')).toEqual([]);
    expect(ancestorIds(TREE, 'missing')).toBeNull();
  });

  it('selects the requested span, else the first failed one, else the first', () => {
    expect(initialSpan(TREE, 'auth')?.spanId).toBe('auth');
    expect(initialSpan(TREE, 'unknown')?.spanId).toBe('db');
    expect(initialSpan(TREE, null)?.spanId).toBe('db');
    expect(initialSpan([span('only')], null)?.spanId).toBe('only');
    expect(initialSpan([], null)).toBeUndefined();
  });
});

describe('waterfall geometry', () => {
  it('places a bar by its start offset and duration relative to the trace', () => {
    expect(barGeometry(0, 1000, 1000)).toEqual({ left: 0, width: 100 });
    expect(barGeometry(250, 500, 1000)).toEqual({ left: 25, width: 50 });
    expect(barGeometry(100, 33.3333, 400)).toEqual({ left: 25, width: 8.333 });
  });

  it('keeps a very short span visible at the minimum width', () => {
    expect(barGeometry(500, 0.01, 10_000)).toEqual({ left: 5, width: 0.5 });
    expect(barGeometry(500, 0, 10_000, 1)).toEqual({ left: 5, width: 1 });
  });

  it('never lets a bar leave the track', () => {
    // A short span at the very end: moved left so its minimum width fits.
    expect(barGeometry(10_000, 0, 10_000)).toEqual({ left: 99.5, width: 0.5 });
    // Clock rounding: a span that ends a fraction after the trace.
    expect(barGeometry(900, 100.4, 1000)).toEqual({ left: 89.96, width: 10.04 });
    expect(barGeometry(-5, 2000, 1000)).toEqual({ left: 0, width: 100 });
  });

  it('draws full-width bars for a zero-length trace', () => {
    expect(barGeometry(0, 0, 0)).toEqual({ left: 0, width: 100 });
  });

  it('marks the time axis in round steps', () => {
    expect(timeTicks(1000).map((tick) => tick.ms)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(timeTicks(1000).at(-1)?.percent).toBe(100);
    expect(timeTicks(3.7).map((tick) => tick.ms)).toEqual([0, 1, 2, 3]);
    expect(timeTicks(45_000, 4).map((tick) => tick.ms)).toEqual([0, 20_000, 40_000]);
    expect(timeTicks(0)).toEqual([{ ms: 0, percent: 0 }]);
  });
});

describe('formatting', () => {
  it('formats durations from microseconds to hours', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(0.42)).toBe('420 µs');
    expect(formatDuration(3.456)).toBe('3.46 ms');
    expect(formatDuration(12.34)).toBe('12.3 ms');
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(1240)).toBe('1.24 s');
    expect(formatDuration(2000)).toBe('2 s');
    expect(formatDuration(123_000)).toBe('2 min 3 s');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 5 min');
    expect(formatDuration(Number.NaN)).toBe('—');
  });

  it('formats tokens and exact costs', () => {
    expect(formatTokens(1200, 340)).toBe('1,200 in / 340 out');
    expect(formatTokens(null, 5)).toBe('? in / 5 out');
    expect(formatTokens(null, null)).toBeNull();
    expect(formatCost('0.0042')).toBe('$0.0042');
    expect(formatCost('3')).toBe('$3.00');
    expect(formatCost('1.5')).toBe('$1.50');
    expect(formatCost(null)).toBeNull();
    expect(formatCost('NaN')).toBeNull();
  });
});

describe('span attributes', () => {
  const attributes = {
    'http.method': 'POST',
    'strata.tenant.id': 't',
    'gen_ai.usage.output_tokens': 34,
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.usage.cache_read_tokens': 7,
    'gen_ai.usage.input_tokens': 120,
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.operation.name': 'chat',
  };

  it('puts the GenAI facts first, in a fixed order, with any other usage counter', () => {
    expect(genAiFacts(attributes)).toEqual([
      { key: 'gen_ai.operation.name', label: 'Operation', value: 'chat' },
      { key: 'gen_ai.request.model', label: 'Requested model', value: 'gpt-4o-mini' },
      { key: 'gen_ai.usage.input_tokens', label: 'Input tokens', value: '120' },
      { key: 'gen_ai.usage.output_tokens', label: 'Output tokens', value: '34' },
      { key: 'gen_ai.response.finish_reasons', label: 'Finish reasons', value: 'stop' },
      { key: 'gen_ai.usage.cache_read_tokens', label: 'cache read tokens', value: '7' },
    ]);
    expect(genAiFacts({ 'http.method': 'GET' })).toEqual([]);
    expect(genAiFacts(null)).toEqual([]);
  });

  it('sorts all attributes: GenAI, then Strata, then the rest', () => {
    expect(sortedAttributes(attributes).map(([key]) => key)).toEqual([
      'gen_ai.operation.name',
      'gen_ai.request.model',
      'gen_ai.response.finish_reasons',
      'gen_ai.usage.cache_read_tokens',
      'gen_ai.usage.input_tokens',
      'gen_ai.usage.output_tokens',
      'strata.tenant.id',
      'http.method',
    ]);
  });

  it('reads an exception event', () => {
    expect(
      exceptionOf({ name: 'exception', time: 't', attributes: { 'exception.type': 'ConflictError', 'exception.message': 'exists', 'exception.stacktrace': 'at x' } }),
    ).toEqual({ type: 'ConflictError', message: 'exists', stacktrace: 'at x' });
    expect(exceptionOf({ name: 'exception', time: 't' })).toEqual({ type: null, message: null, stacktrace: null });
    expect(exceptionOf({ name: 'retry', time: 't' })).toBeNull();
  });
});
