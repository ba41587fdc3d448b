import { DATA_ACCESS_ACTOR_TYPES, TRACE_STATUSES, type DataAccessQuery, type TraceQuery, type TraceStatus } from '../api/observability';
import type { FilterSpec, FilterValues } from './url-filters';

/**
 * The observability lists' filters as they live in the URL, and the queries they become. Instants
 * are ISO 8601 in the URL (a shared link means the same moment everywhere); the trace list also
 * takes a relative window ("last 1 h"), resolved against the clock when the list loads, so a
 * bookmarked "last hour" stays the last hour.
 */

export const TRACE_WINDOWS = { '15m': 15 * 60_000, '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '31d': 31 * 86_400_000 } as const;
export type TraceWindow = keyof typeof TRACE_WINDOWS;
export const TRACE_WINDOW_LABELS: Record<TraceWindow, string> = {
  '15m': 'Last 15 minutes',
  '1h': 'Last hour',
  '6h': 'Last 6 hours',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '31d': 'Last 31 days',
};
/** The widest range the API lists in one query. */
export const TRACE_RANGE_MAX_MS = 31 * 86_400_000;

export type TraceFilterKey = 'last' | 'from' | 'to' | 'status' | 'agentId' | 'model' | 'minDurationMs';

export const TRACE_FILTERS: FilterSpec<TraceFilterKey> = {
  defaults: { last: '24h', from: '', to: '', status: '', agentId: '', model: '', minDurationMs: '' },
  allowed: { last: Object.keys(TRACE_WINDOWS), status: ['', ...TRACE_STATUSES] },
};

const DURATION = /^\d+(\.\d+)?$/;

/** Client-side checks of a trace filter draft, by field (what the API would refuse with a 400). */
export function traceFilterProblems(values: FilterValues<TraceFilterKey>): Partial<Record<TraceFilterKey, string>> {
  const problems: Partial<Record<TraceFilterKey, string>> = {};
  const from = values.from ? Date.parse(values.from) : NaN;
  const to = values.to ? Date.parse(values.to) : NaN;
  if (values.from && Number.isNaN(from)) problems.from = 'Not a date and time.';
  if (values.to && Number.isNaN(to)) problems.to = 'Not a date and time.';
  if (!Number.isNaN(from) && !Number.isNaN(to)) {
    if (from >= to) problems.to = 'Must be after "From".';
    else if (to - from > TRACE_RANGE_MAX_MS) problems.from = 'The range may cover at most 31 days.';
  }
  if (values.minDurationMs && !DURATION.test(values.minDurationMs)) problems.minDurationMs = 'A number of milliseconds, such as 250.';
  else if (values.minDurationMs && Number(values.minDurationMs) > TRACE_RANGE_MAX_MS) problems.minDurationMs = 'At most 31 days.';
  return problems;
}

/**
 * The query the trace list sends. With `from`, the range is [from, to or now); without it, the
 * `last` window before `to` (or now). Unset filters are left out.
 */
export function traceQuery(values: FilterValues<TraceFilterKey>, now: Date = new Date()): TraceQuery {
  const query: TraceQuery = {};
  const window = TRACE_WINDOWS[values.last as TraceWindow] ?? TRACE_WINDOWS['24h'];
  const end = values.to ? new Date(values.to) : now;
  if (values.from) query.from = new Date(values.from).toISOString();
  else query.from = new Date(end.getTime() - window).toISOString();
  if (values.to) query.to = end.toISOString();
  if (values.status) query.status = values.status as TraceStatus;
  if (values.agentId) query.agentId = values.agentId;
  if (values.model) query.model = values.model;
  if (values.minDurationMs && DURATION.test(values.minDurationMs)) query.minDurationMs = Number(values.minDurationMs);
  return query;
}

/** A sentence for the list's caption: which time range is shown. */
export function traceRangeLabel(values: FilterValues<TraceFilterKey>): string {
  if (values.from) return values.to ? 'in the chosen range' : 'since the chosen start';
  const label = TRACE_WINDOW_LABELS[values.last as TraceWindow] ?? TRACE_WINDOW_LABELS['24h'];
  return values.to ? `${label.toLowerCase()} before the chosen end` : label.toLowerCase();
}

export type DataAccessFilterKey = 'from' | 'to' | 'actorType' | 'actorId' | 'onBehalfOfId' | 'resourceType' | 'resourceId' | 'purpose' | 'traceId' | 'requestId';

export const DATA_ACCESS_FILTERS: FilterSpec<DataAccessFilterKey> = {
  defaults: { from: '', to: '', actorType: '', actorId: '', onBehalfOfId: '', resourceType: '', resourceId: '', purpose: '', traceId: '', requestId: '' },
  allowed: { actorType: ['', ...DATA_ACCESS_ACTOR_TYPES] },
};

export function dataAccessFilterProblems(values: FilterValues<DataAccessFilterKey>): Partial<Record<DataAccessFilterKey, string>> {
  const problems: Partial<Record<DataAccessFilterKey, string>> = {};
  const from = values.from ? Date.parse(values.from) : NaN;
  const to = values.to ? Date.parse(values.to) : NaN;
  if (values.from && Number.isNaN(from)) problems.from = 'Not a date and time.';
  if (values.to && Number.isNaN(to)) problems.to = 'Not a date and time.';
  if (!Number.isNaN(from) && !Number.isNaN(to) && from >= to) problems.to = 'Must be after "From".';
  if (values.traceId && !/^[0-9a-fA-F]{32}$/.test(values.traceId)) problems.traceId = 'A trace id is 32 hexadecimal digits.';
  return problems;
}

/** The query the data-access list sends: only the filters that are set (trace ids lowercased, as stored). */
export function dataAccessQuery(values: FilterValues<DataAccessFilterKey>): DataAccessQuery {
  const query: DataAccessQuery = {};
  for (const [key, value] of Object.entries(values) as Array<[DataAccessFilterKey, string]>) {
    if (value) query[key] = key === 'traceId' ? value.toLowerCase() : value;
  }
  return query;
}
