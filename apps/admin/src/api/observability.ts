import { api, queryString, type Page } from './api-client';

/** A trace's or a span's outcome, from OpenTelemetry's status code (`error`: some span failed). */
export const TRACE_STATUSES = ['ok', 'error', 'unset'] as const;
export type TraceStatus = (typeof TRACE_STATUSES)[number];

/** One trace of the list. Tokens and cost are sums over the spans that carry them (null: none did). */
export interface TraceSummary {
  traceId: string;
  /** Name and service of the earliest span (the root, unless it was not stored). */
  rootName: string;
  serviceName: string;
  /** ISO 8601 UTC (microseconds). */
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

export type AttributeValue = string | number | boolean | null | Array<string | number | boolean | null>;
export type Attributes = Record<string, AttributeValue>;

export interface SpanEvent {
  name: string;
  time: string;
  attributes?: Attributes;
}

export interface SpanNode {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer' | 'unknown';
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
  attributes: Attributes | null;
  events: SpanEvent[] | null;
  children: SpanNode[];
}

/** One trace as a tree: spans under their parents, spans whose parent is not stored at the top. */
export interface TraceTree {
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
  /** More spans than one response carries: the earliest are shown. */
  truncated: boolean;
  roots: SpanNode[];
}

/** GET /observability/traces (query-string values; instants in ISO 8601). */
export interface TraceQuery {
  from?: string;
  to?: string;
  status?: TraceStatus;
  agentId?: string;
  model?: string;
  minDurationMs?: number;
}

/** A trace row as the paged list keeps it (keyed by `id`). */
export type TraceListItem = TraceSummary & { id: string };

export const observabilityApi = {
  traces: async (query: TraceQuery, cursor?: string, limit = 50): Promise<Page<TraceListItem>> => {
    const page = await api.get<Page<TraceSummary>>(`/observability/traces${queryString({ ...query, cursor, limit })}`);
    return { items: page.items.map((trace) => ({ ...trace, id: trace.traceId })), nextCursor: page.nextCursor };
  },
  trace: (traceId: string) => api.get<TraceTree>(`/observability/traces/${encodeURIComponent(traceId)}`),
};

export const DATA_ACCESS_ACTOR_TYPES = ['user', 'service_account', 'agent', 'system'] as const;

/** One read of tenant data that a layer recorded: who read which resources, for whom, why, in which trace. */
export interface DataAccessRecord {
  id: string;
  tenantId: string;
  occurredAt: string;
  actorType: string;
  actorId: string;
  onBehalfOfType: string | null;
  onBehalfOfId: string | null;
  resourceType: string;
  resourceIds: string[];
  purpose: string | null;
  traceId: string | null;
  requestId: string | null;
}

/** GET /observability/data-access (query-string values; instants in ISO 8601). */
export interface DataAccessQuery {
  from?: string;
  to?: string;
  actorType?: string;
  actorId?: string;
  onBehalfOfId?: string;
  resourceType?: string;
  resourceId?: string;
  purpose?: string;
  traceId?: string;
  requestId?: string;
}

export const dataAccessApi = {
  list: (query: DataAccessQuery, cursor?: string, limit = 50) =>
    api.get<Page<DataAccessRecord>>(`/observability/data-access${queryString({ ...query, cursor, limit })}`),
};
