import type { Attributes, AttributeValue, HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { isUuid } from '@strata/kernel';

/** Attribute names the exporter copies into columns (the trace list filters on them). */
export const SPAN_ATTRIBUTES = {
  tenantId: 'strata.tenant.id',
  agentId: 'gen_ai.agent.id',
  responseModel: 'gen_ai.response.model',
  requestModel: 'gen_ai.request.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  costUsd: 'strata.cost.usd',
  serviceName: 'service.name',
} as const;

/**
 * What one stored span may hold, whatever the SDK's span limits are: a span is written in the same
 * statement as up to a batch of others, so one oversized span must not make that statement huge.
 */
export const SPAN_ROW_LIMITS = {
  nameLength: 1_024,
  attributeCount: 256,
  attributeKeyLength: 256,
  stringValueLength: 8_192,
  arrayValueLength: 128,
  eventCount: 128,
  eventAttributeCount: 64,
  statusMessageLength: 2_048,
  shortTextLength: 256,
} as const;

/** PostgreSQL `integer` (the token columns) and `decimal(18,8)` (cost) bounds. */
const MAX_INT4 = 2_147_483_647;
const MAX_COST_USD = 9_999_999_999;

export type StoredAttributeValue = string | number | boolean | null | Array<string | number | boolean | null>;

/** A span as the `trace_span` row it becomes, in the JSON form the batch INSERT reads (jsonb_to_recordset). */
export interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  tenant_id: string | null;
  name: string;
  kind: number;
  /** ISO 8601 with microseconds (the column is timestamptz(6)). */
  start_time: string;
  end_time: string;
  duration_ms: number;
  status_code: number;
  status_message: string | null;
  attributes: Record<string, StoredAttributeValue>;
  events: Array<{ name: string; time: string; attributes?: Record<string, StoredAttributeValue> }> | null;
  service_name: string;
  agent_id: string | null;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
}

/**
 * Maps a finished span to its row. Total: every span maps to a row PostgreSQL accepts (no NUL
 * characters or lone surrogates, bounded sizes, a tenant only if it is a UUID, numbers only in
 * their column's range), because one bad row would fail its whole batch.
 */
export function toSpanRow(span: ReadableSpan): SpanRow {
  const context = span.spanContext();
  const attributes = span.attributes;
  const tenant = attributes[SPAN_ATTRIBUTES.tenantId];
  const model = shortText(attributes[SPAN_ATTRIBUTES.responseModel]) ?? shortText(attributes[SPAN_ATTRIBUTES.requestModel]);
  const events = span.events.slice(0, SPAN_ROW_LIMITS.eventCount).map((event) => {
    const eventAttributes = event.attributes ? storedAttributes(event.attributes, SPAN_ROW_LIMITS.eventAttributeCount) : undefined;
    return {
      name: text(event.name, SPAN_ROW_LIMITS.nameLength),
      time: hrTimeToIso(event.time),
      ...(eventAttributes && Object.keys(eventAttributes).length ? { attributes: eventAttributes } : {}),
    };
  });
  return {
    trace_id: context.traceId,
    span_id: context.spanId,
    parent_span_id: span.parentSpanContext?.spanId ?? null,
    tenant_id: isUuid(tenant) ? tenant.toLowerCase() : null,
    name: text(span.name, SPAN_ROW_LIMITS.nameLength),
    kind: span.kind,
    start_time: hrTimeToIso(span.startTime),
    end_time: hrTimeToIso(span.endTime),
    duration_ms: Math.max(0, span.duration[0] * 1_000 + span.duration[1] / 1_000_000),
    status_code: span.status.code,
    status_message: span.status.message ? text(span.status.message, SPAN_ROW_LIMITS.statusMessageLength) : null,
    attributes: storedAttributes(attributes, SPAN_ROW_LIMITS.attributeCount),
    events: events.length ? events : null,
    service_name: shortText(span.resource.attributes[SPAN_ATTRIBUTES.serviceName]) ?? 'unknown_service',
    agent_id: shortText(attributes[SPAN_ATTRIBUTES.agentId]),
    model,
    input_tokens: tokenCount(attributes[SPAN_ATTRIBUTES.inputTokens]),
    output_tokens: tokenCount(attributes[SPAN_ATTRIBUTES.outputTokens]),
    cost_usd: cost(attributes[SPAN_ATTRIBUTES.costUsd]),
  };
}

/** HrTime ([seconds, nanoseconds]) as ISO 8601 UTC with microseconds. */
export function hrTimeToIso([seconds, nanos]: HrTime): string {
  const wholeSeconds = seconds + Math.floor(nanos / 1_000_000_000);
  const micros = Math.floor((nanos % 1_000_000_000) / 1_000);
  return `${new Date(wholeSeconds * 1_000).toISOString().slice(0, 19)}.${String(micros).padStart(6, '0')}Z`;
}

function storedAttributes(attributes: Attributes, maxCount: number): Record<string, StoredAttributeValue> {
  const stored: Record<string, StoredAttributeValue> = {};
  let count = 0;
  for (const [key, value] of Object.entries(attributes)) {
    if (count >= maxCount) break;
    if (value === undefined) continue;
    stored[text(key, SPAN_ROW_LIMITS.attributeKeyLength)] = storedValue(value);
    count += 1;
  }
  return stored;
}

function storedValue(value: AttributeValue): StoredAttributeValue {
  if (Array.isArray(value)) {
    return (value as unknown[]).slice(0, SPAN_ROW_LIMITS.arrayValueLength).map((item) => scalar(item));
  }
  return scalar(value);
}

function scalar(value: unknown): string | number | boolean | null {
  if (typeof value === 'string') return text(value, SPAN_ROW_LIMITS.stringValueLength);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean') return value;
  return null;
}

/** Truncated, without NUL (PostgreSQL text and jsonb refuse it) and without lone surrogates (jsonb refuses them). */
function text(value: string, max: number): string {
  const clean = value.length > max ? value.slice(0, max) : value;
  return clean.replaceAll('\u0000', '').toWellFormed();
}

function shortText(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  return text(value, SPAN_ROW_LIMITS.shortTextLength);
}

function tokenCount(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_INT4 ? value : null;
}

function cost(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_COST_USD ? value : null;
}
