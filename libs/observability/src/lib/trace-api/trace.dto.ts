import type { Prisma } from '@strata/db';
import type { TraceSpanRow, TraceSummaryRow } from './traces.repository';

export type TraceStatus = 'unset' | 'ok' | 'error';

/** OpenTelemetry SpanKind by its number. */
const SPAN_KINDS = ['internal', 'server', 'client', 'producer', 'consumer'] as const;
const STATUS_CODES: readonly TraceStatus[] = ['unset', 'ok', 'error'];

/** One trace in the list. Tokens and cost are sums over the spans that carry them (null: none did). */
export interface TraceSummaryDto {
  traceId: string;
  /** Name and service of the earliest span (the root, unless it was not stored). */
  rootName: string;
  serviceName: string;
  /** ISO 8601 UTC with microseconds. */
  startTime: string;
  endTime: string;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  status: TraceStatus;
  agentIds: string[];
  models: string[];
  inputTokens: number | null;
  outputTokens: number | null;
  /** Exact decimal in US dollars, as text. */
  costUsd: string | null;
}

export interface TracePage {
  items: TraceSummaryDto[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface SpanNodeDto {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: (typeof SPAN_KINDS)[number] | 'unknown';
  serviceName: string;
  startTime: string;
  endTime: string;
  /** Milliseconds from the trace's start to this span's start. */
  offsetMs: number;
  durationMs: number;
  status: { code: TraceStatus; message: string | null };
  agentId: string | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: string | null;
  attributes: Prisma.JsonValue;
  events: Prisma.JsonValue | null;
  children: SpanNodeDto[];
}

/** One trace as a tree: spans under their parents, spans whose parent is not stored at the top. */
export interface TraceTreeDto {
  traceId: string;
  startTime: string;
  endTime: string;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  status: TraceStatus;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: string | null;
  /** True when the trace has more spans than one response carries (the earliest are returned). */
  truncated: boolean;
  roots: SpanNodeDto[];
}

export function toTraceSummaryDto(row: TraceSummaryRow): TraceSummaryDto {
  return {
    traceId: row.trace_id,
    rootName: row.root_name,
    serviceName: row.service_name,
    startTime: row.start_time,
    endTime: row.end_time,
    durationMs: row.duration_ms,
    spanCount: row.span_count,
    errorCount: row.error_count,
    status: row.error_count > 0 ? 'error' : row.any_ok ? 'ok' : 'unset',
    agentIds: row.agent_ids,
    models: row.models,
    inputTokens: row.input_tokens === null ? null : Number(row.input_tokens),
    outputTokens: row.output_tokens === null ? null : Number(row.output_tokens),
    costUsd: row.cost_usd === null ? null : normalizeDecimal(row.cost_usd),
  };
}

/**
 * Builds the tree. Iterative (no recursion on untrusted depth), and each span is placed once: a
 * span whose parent is missing, or that sits on a parent cycle (ids are client-influenced through
 * `traceparent`), becomes a root.
 */
export function toTraceTreeDto(traceId: string, spans: TraceSpanRow[], truncated: boolean): TraceTreeDto {
  const start = Math.min(...spans.map((span) => span.startTime.getTime()));
  const end = Math.max(...spans.map((span) => span.endTime.getTime()));
  const nodes = new Map<string, SpanNodeDto>();
  for (const span of spans) nodes.set(span.spanId, toSpanNode(span, start));

  const childrenOf = new Map<string, SpanNodeDto[]>();
  const roots: SpanNodeDto[] = [];
  for (const node of nodes.values()) {
    if (node.parentSpanId && node.parentSpanId !== node.spanId && nodes.has(node.parentSpanId)) {
      const siblings = childrenOf.get(node.parentSpanId) ?? [];
      siblings.push(node);
      childrenOf.set(node.parentSpanId, siblings);
    } else {
      roots.push(node);
    }
  }
  const placed = new Set<string>();
  const attach = (top: SpanNodeDto) => {
    const stack = [top];
    placed.add(top.spanId);
    while (stack.length) {
      const node = stack.pop() as SpanNodeDto;
      for (const child of childrenOf.get(node.spanId) ?? []) {
        if (placed.has(child.spanId)) continue;
        placed.add(child.spanId);
        node.children.push(child);
        stack.push(child);
      }
    }
  };
  for (const root of roots) attach(root);
  // Spans on a parent cycle were reached from no root.
  for (const node of nodes.values()) {
    if (placed.has(node.spanId)) continue;
    roots.push(node);
    attach(node);
  }

  const errorCount = spans.filter((span) => span.statusCode === 2).length;
  return {
    traceId,
    startTime: new Date(start).toISOString(),
    endTime: new Date(end).toISOString(),
    durationMs: end - start,
    spanCount: spans.length,
    errorCount,
    status: errorCount > 0 ? 'error' : spans.some((span) => span.statusCode === 1) ? 'ok' : 'unset',
    inputTokens: sumKnown(spans.map((span) => span.inputTokens)),
    outputTokens: sumKnown(spans.map((span) => span.outputTokens)),
    costUsd: sumCost(spans.map((span) => span.costUsd)),
    truncated,
    roots,
  };
}

function toSpanNode(span: TraceSpanRow, traceStart: number): SpanNodeDto {
  return {
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    kind: SPAN_KINDS[span.kind] ?? 'unknown',
    serviceName: span.serviceName,
    startTime: span.startTime.toISOString(),
    endTime: span.endTime.toISOString(),
    offsetMs: span.startTime.getTime() - traceStart,
    durationMs: span.durationMs,
    status: { code: STATUS_CODES[span.statusCode] ?? 'unset', message: span.statusMessage },
    agentId: span.agentId,
    model: span.model,
    inputTokens: span.inputTokens,
    outputTokens: span.outputTokens,
    costUsd: span.costUsd === null ? null : normalizeDecimal(span.costUsd.toFixed()),
    attributes: span.attributes,
    events: span.events,
    children: [],
  };
}

function sumKnown(values: Array<number | null>): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length ? known.reduce((total, value) => total + value, 0) : null;
}

/** Exact: the column is decimal(18,8), so amounts are summed as integers of 1e-8 dollars. */
function sumCost(values: Array<Prisma.Decimal | null>): string | null {
  const known = values.filter((value): value is Prisma.Decimal => value !== null);
  if (!known.length) return null;
  const total = known.reduce((sum, value) => sum + BigInt(value.mul(100_000_000).toFixed(0)), 0n);
  const sign = total < 0n ? '-' : '';
  const digits = (total < 0n ? -total : total).toString().padStart(9, '0');
  return normalizeDecimal(`${sign}${digits.slice(0, -8)}.${digits.slice(-8)}`);
}

/** `0.12000000` → `0.12`, `3.00000000` → `3`: the same amount however PostgreSQL or Decimal printed it. */
function normalizeDecimal(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}
