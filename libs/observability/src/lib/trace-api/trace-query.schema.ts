import { z } from 'zod';

export const TRACE_PAGE_MAX = 100;
export const TRACE_PAGE_DEFAULT = 50;
/** The widest time window one list query may cover. */
export const TRACE_RANGE_MAX_MS = 31 * 86_400_000;
/** Without `from`, the list covers this long before `to`. */
export const TRACE_RANGE_DEFAULT_MS = 86_400_000;
/** Spans returned in one trace tree; a larger trace is cut (`truncated: true`). */
export const TRACE_TREE_MAX_SPANS = 5_000;

const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const text = (max: number) => z.string().min(1).max(max);

/** GET /observability/traces (query-string values). The time range applies to a trace's start. */
export const traceListSchema = z
  .strictObject({
    /** Trace start ≥ from (ISO 8601); default `to` minus 24 hours. */
    from: instant.optional(),
    /** Trace start < to; default now. */
    to: instant.optional(),
    /** error: some span failed; ok: none failed and some ended ok; unset: neither. */
    status: z.enum(['unset', 'ok', 'error']).optional(),
    /** Traces with a span of this agent (`gen_ai.agent.id`). */
    agentId: text(256).optional(),
    /** Traces with a span of this model (response model, else request model). */
    model: text(256).optional(),
    /** Traces lasting at least this long, first span start to last span end. */
    minDurationMs: z.coerce.number().min(0).max(31 * 86_400_000).optional(),
    /** The `nextCursor` of the previous page. */
    cursor: z.string().min(1).max(512).optional(),
    limit: z.coerce.number().int().min(1).max(TRACE_PAGE_MAX).default(TRACE_PAGE_DEFAULT),
  })
  // Zod runs these even when from or to failed its own check (then it is still the raw string): compare dates only.
  .refine((query) => !(query.from instanceof Date && query.to instanceof Date) || query.from < query.to, { message: 'from must be before to', path: ['from'] })
  .refine((query) => !(query.from instanceof Date && query.to instanceof Date) || query.to.getTime() - query.from.getTime() <= TRACE_RANGE_MAX_MS, {
    message: 'the range may cover at most 31 days',
    path: ['from'],
  });
export type TraceListQuery = z.output<typeof traceListSchema>;

/** OpenTelemetry trace ids: 32 hex digits, not all zero. Anything else answers 404 like an unknown id. */
export function normalizeTraceId(raw: string): string | null {
  const id = raw.toLowerCase();
  return /^[0-9a-f]{32}$/.test(id) && !/^0+$/.test(id) ? id : null;
}
