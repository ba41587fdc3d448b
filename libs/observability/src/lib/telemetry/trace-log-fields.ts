import { isSpanContextValid, trace } from '@opentelemetry/api';

/** The ids that tie a log line to its trace, in the field names of the OpenTelemetry log data model. */
export interface TraceLogFields {
  trace_id?: string;
  span_id?: string;
  trace_flags?: string;
}

/**
 * The active span's ids for a log line (pino `mixin`), or nothing outside a span or without an
 * SDK. Always a new object: pino merges the line's own fields into what the mixin returns.
 */
export function traceLogFields(): TraceLogFields {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: `0${spanContext.traceFlags.toString(16)}`.slice(-2),
  };
}
