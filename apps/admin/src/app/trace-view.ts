import type { AttributeValue, Attributes, SpanEvent, SpanNode } from '../api/observability';

/**
 * The trace view's logic, apart from React: the span tree flattened into the rows a collapsible
 * tree shows (with the waterfall bar of each), the bar geometry, and what to show first of a span
 * (its GenAI facts, its errors).
 */

/** One visible row of the span tree. */
export interface SpanRow {
  span: SpanNode;
  /** 1 for a top-level span (aria-level). */
  level: number;
  /** Position among its siblings, from 1, and their number (aria-posinset, aria-setsize). */
  position: number;
  siblings: number;
  parentId: string | null;
  hasChildren: boolean;
  expanded: boolean;
  /** Failed spans below this one (shown on a collapsed row, so a hidden error is not missed). */
  errorsBelow: number;
}

/** Every span of the tree, depth first in display order. Iterative: a trace may be thousands of spans deep. */
export function allSpans(roots: readonly SpanNode[]): SpanNode[] {
  const spans: SpanNode[] = [];
  const stack = [...roots].reverse();
  while (stack.length) {
    const span = stack.pop() as SpanNode;
    spans.push(span);
    for (let index = span.children.length - 1; index >= 0; index -= 1) stack.push(span.children[index] as SpanNode);
  }
  return spans;
}

/** Failed spans under each span (not counting itself), by span id. */
export function errorsBelow(roots: readonly SpanNode[]): Map<string, number> {
  const counts = new Map<string, number>();
  // Reverse depth-first order visits every child before its parent.
  for (const span of allSpans(roots).reverse()) {
    counts.set(
      span.spanId,
      span.children.reduce((total, child) => total + (counts.get(child.spanId) ?? 0) + (child.status.code === 'error' ? 1 : 0), 0),
    );
  }
  return counts;
}

/** The rows a tree shows: every span whose ancestors are all expanded, depth first, children in the API's (start time) order. */
export function visibleRows(roots: readonly SpanNode[], collapsed: ReadonlySet<string>): SpanRow[] {
  const below = errorsBelow(roots);
  const rows: SpanRow[] = [];
  type Pending = { span: SpanNode; level: number; position: number; siblings: number; parentId: string | null };
  const stack: Pending[] = roots.map((span, index) => ({ span, level: 1, position: index + 1, siblings: roots.length, parentId: null })).reverse();
  while (stack.length) {
    const { span, level, position, siblings, parentId } = stack.pop() as Pending;
    const hasChildren = span.children.length > 0;
    const expanded = hasChildren && !collapsed.has(span.spanId);
    rows.push({ span, level, position, siblings, parentId, hasChildren, expanded, errorsBelow: below.get(span.spanId) ?? 0 });
    if (!expanded) continue;
    for (let index = span.children.length - 1; index >= 0; index -= 1) {
      stack.push({ span: span.children[index] as SpanNode, level: level + 1, position: index + 1, siblings: span.children.length, parentId: span.spanId });
    }
  }
  return rows;
}

/** The ids of a span's ancestors, nearest first (to expand the path to a span selected by URL). */
export function ancestorIds(roots: readonly SpanNode[], spanId: string): string[] | null {
  const parentOf = new Map<string, string | null>();
  const stack: Array<[SpanNode, string | null]> = roots.map((span) => [span, null]);
  while (stack.length) {
    const [span, parent] = stack.pop() as [SpanNode, string | null];
    parentOf.set(span.spanId, parent);
    for (const child of span.children) stack.push([child, span.spanId]);
  }
  if (!parentOf.has(spanId)) return null;
  const ancestors: string[] = [];
  for (let parent = parentOf.get(spanId) ?? null; parent !== null; parent = parentOf.get(parent) ?? null) ancestors.push(parent);
  return ancestors;
}

/** The span to show first: the one named in the URL when it exists, else the first failed span, else the first span. */
export function initialSpan(roots: readonly SpanNode[], requested: string | null): SpanNode | undefined {
  const spans = allSpans(roots);
  return (requested ? spans.find((span) => span.spanId === requested) : undefined) ?? spans.find((span) => span.status.code === 'error') ?? spans[0];
}

/** A bar of the waterfall, in percent of the trace's duration. */
export interface BarGeometry {
  left: number;
  width: number;
}

/** Narrowest bar drawn, in percent of the trace: a 0.1 ms span in a 10 s trace still shows. */
export const MIN_BAR_PERCENT = 0.5;

/**
 * Where a span's bar sits: its start offset and duration relative to the trace, in percent. A bar
 * never leaves the track: it is at least {@link MIN_BAR_PERCENT} wide and is moved left if that (or
 * clock rounding) would push it past the end. A zero-length trace draws full-width bars.
 */
export function barGeometry(offsetMs: number, durationMs: number, traceDurationMs: number, minPercent = MIN_BAR_PERCENT): BarGeometry {
  if (!(traceDurationMs > 0)) return { left: 0, width: 100 };
  const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
  const width = clamp((Math.max(0, durationMs) / traceDurationMs) * 100, minPercent, 100);
  const left = clamp((Math.max(0, offsetMs) / traceDurationMs) * 100, 0, 100 - width);
  return { left: round(left), width: round(width) };
}

/** Tick marks of the time axis: about `count` round steps (1, 2 or 5 × 10ⁿ ms) from 0 to the trace's duration. */
export function timeTicks(durationMs: number, count = 5): Array<{ ms: number; percent: number }> {
  if (!(durationMs > 0)) return [{ ms: 0, percent: 0 }];
  const rough = durationMs / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough) as number;
  const ticks: Array<{ ms: number; percent: number }> = [];
  for (let ms = 0; ms <= durationMs + step * 1e-9; ms += step) ticks.push({ ms: round(ms), percent: round((ms / durationMs) * 100) });
  return ticks;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** A duration for people: `420 µs`, `12.3 ms`, `1.24 s`, `2 min 3 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${Math.max(1, Math.round(ms * 1000))} µs`;
  if (ms < 100) return `${trimZeros(ms.toFixed(ms < 10 ? 2 : 1))} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${trimZeros((ms / 1000).toFixed(2))} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** Input and output tokens as `1,200 in / 340 out`, or null when neither is known. */
export function formatTokens(input: number | null, output: number | null): string | null {
  if (input === null && output === null) return null;
  const count = (value: number | null) => (value === null ? '?' : value.toLocaleString('en-US'));
  return `${count(input)} in / ${count(output)} out`;
}

/** A US dollar amount given as exact decimal text, with at least two decimals: `0.0042` → `$0.0042`, `3` → `$3.00`. */
export function formatCost(costUsd: string | null): string | null {
  if (costUsd === null || !/^-?\d+(\.\d+)?$/.test(costUsd)) return null;
  const [whole, fraction = ''] = costUsd.split('.');
  return `$${whole}.${fraction.padEnd(2, '0')}`;
}

/** The GenAI semantic-convention attributes shown above the others, in this order, with their labels. */
export const GENAI_FACTS: ReadonlyArray<readonly [key: string, label: string]> = [
  ['gen_ai.operation.name', 'Operation'],
  ['gen_ai.provider.name', 'Provider'],
  ['gen_ai.system', 'System'],
  ['gen_ai.agent.name', 'Agent'],
  ['gen_ai.agent.id', 'Agent id'],
  ['gen_ai.request.model', 'Requested model'],
  ['gen_ai.response.model', 'Response model'],
  ['gen_ai.usage.input_tokens', 'Input tokens'],
  ['gen_ai.usage.output_tokens', 'Output tokens'],
  ['strata.cost.usd', 'Cost (USD)'],
  ['gen_ai.response.finish_reasons', 'Finish reasons'],
  ['gen_ai.request.temperature', 'Temperature'],
  ['gen_ai.request.max_tokens', 'Max tokens'],
  ['gen_ai.conversation.id', 'Conversation'],
  ['gen_ai.tool.name', 'Tool'],
];

/** The span's GenAI facts present in its attributes, plus any other `gen_ai.usage.*` counter. */
export function genAiFacts(attributes: Attributes | null): Array<{ key: string; label: string; value: string }> {
  if (!attributes) return [];
  const facts = GENAI_FACTS.filter(([key]) => attributes[key] !== undefined && attributes[key] !== null).map(([key, label]) => ({
    key,
    label,
    value: formatAttribute(attributes[key] as AttributeValue),
  }));
  const known = new Set(GENAI_FACTS.map(([key]) => key));
  for (const key of Object.keys(attributes).sort()) {
    if (key.startsWith('gen_ai.usage.') && !known.has(key)) facts.push({ key, label: key.slice('gen_ai.usage.'.length).replaceAll('_', ' '), value: formatAttribute(attributes[key] as AttributeValue) });
  }
  return facts;
}

/** All attributes, GenAI first, then Strata's, then the rest, each group by name. */
export function sortedAttributes(attributes: Attributes | null): Array<[string, AttributeValue]> {
  if (!attributes) return [];
  const group = (key: string) => (key.startsWith('gen_ai.') ? 0 : key.startsWith('strata.') ? 1 : 2);
  return Object.entries(attributes).sort(([a], [b]) => group(a) - group(b) || (a < b ? -1 : a > b ? 1 : 0));
}

export function formatAttribute(value: AttributeValue): string {
  if (Array.isArray(value)) return value.map((item) => (item === null ? 'null' : String(item))).join(', ');
  return value === null ? 'null' : String(value);
}

/** An `exception` event (OpenTelemetry's recordException): its type, message and stack trace. */
export function exceptionOf(event: SpanEvent): { type: string | null; message: string | null; stacktrace: string | null } | null {
  if (event.name !== 'exception') return null;
  const text = (key: string) => {
    const value = event.attributes?.[key];
    return typeof value === 'string' && value ? value : null;
  };
  return { type: text('exception.type'), message: text('exception.message'), stacktrace: text('exception.stacktrace') };
}

/** Milliseconds from the trace start to an instant (an event's time), or null when unreadable. */
export function offsetFrom(traceStartIso: string, instantIso: string): number | null {
  const start = Date.parse(traceStartIso);
  const instant = Date.parse(instantIso);
  return Number.isNaN(start) || Number.isNaN(instant) ? null : instant - start;
}
