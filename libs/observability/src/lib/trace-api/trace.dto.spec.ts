import { describe, expect, it } from 'vitest';
import { Prisma } from '@strata/db';
import { toTraceTreeDto } from './trace.dto';
import { decodeTraceCursor, encodeTraceCursor } from './trace-query.service';
import type { TraceSpanRow } from './traces.repository';

function span(spanId: string, parentSpanId: string | null, startMs: number, extra: Partial<TraceSpanRow> = {}): TraceSpanRow {
  return {
    traceId: 'a'.repeat(32),
    spanId,
    parentSpanId,
    tenantId: null,
    name: spanId,
    kind: 0,
    startTime: new Date(1_000_000 + startMs),
    endTime: new Date(1_000_000 + startMs + 10),
    durationMs: 10,
    statusCode: 0,
    statusMessage: null,
    attributes: {},
    events: null,
    serviceName: 'svc',
    agentId: null,
    model: null,
    inputTokens: null,
    outputTokens: null,
    costUsd: null,
    createdAt: new Date(),
    ...extra,
  };
}

describe('toTraceTreeDto', () => {
  it('nests children under parents and puts spans with a missing parent at the top', () => {
    const tree = toTraceTreeDto('a'.repeat(32), [span('root', null, 0), span('child', 'root', 5), span('orphan', 'gone', 7)], false);
    expect(tree.roots.map((node) => node.spanId)).toEqual(['root', 'orphan']);
    expect(tree.roots[0].children.map((node) => node.spanId)).toEqual(['child']);
    expect(tree.roots[0].children[0].offsetMs).toBe(5);
    expect(tree.durationMs).toBe(17);
  });

  it('places every span exactly once even when parent ids form a cycle or point at the span itself', () => {
    const tree = toTraceTreeDto('a'.repeat(32), [span('x', 'y', 0), span('y', 'x', 1), span('self', 'self', 2)], false);
    const seen: string[] = [];
    const walk = (nodes: typeof tree.roots) => nodes.forEach((node) => (seen.push(node.spanId), walk(node.children)));
    walk(tree.roots);
    expect(seen.sort()).toEqual(['self', 'x', 'y']);
  });

  it('sums tokens and cost exactly over the spans that carry them', () => {
    const tree = toTraceTreeDto(
      'a'.repeat(32),
      [
        span('a', null, 0, { inputTokens: 10, costUsd: new Prisma.Decimal('0.10000001') }),
        span('b', 'a', 1, { inputTokens: 5, outputTokens: 3, costUsd: new Prisma.Decimal('0.20000002') }),
        span('c', 'a', 2),
      ],
      false,
    );
    expect(tree).toMatchObject({ inputTokens: 15, outputTokens: 3, costUsd: '0.30000003' });
  });
});

describe('trace cursor', () => {
  it('round-trips and refuses anything else', () => {
    const cursor = encodeTraceCursor('2026-07-01T10:00:00.123456Z', 'b'.repeat(32));
    expect(decodeTraceCursor(cursor)).toEqual({ startTime: '2026-07-01T10:00:00.123456Z', traceId: 'b'.repeat(32) });
    for (const bad of ['', 'x', encodeTraceCursor('yesterday', 'b'.repeat(32)), encodeTraceCursor('2026-07-01T10:00:00.123456Z', 'nope')]) {
      expect(() => decodeTraceCursor(bad)).toThrow(expect.objectContaining({ code: 'observability.invalid_cursor' }));
    }
  });
});
