import { context as otelContext, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { RequestContextStore } from '../context/request-context';

const tracer = trace.getTracer('strata');

/** Where a span started later should hang in the trace: the span active when it was taken. */
export type TraceParent = Context;

/** The active span's place in the trace, for work that starts later under another active span. */
export function currentTraceParent(): TraceParent {
  return otelContext.active();
}

/**
 * Runs `fn` in an active OpenTelemetry span named `name`, tagged with the request context (tenant,
 * actor, on-behalf-of, purpose), as a child of the active span or of `parent` when given. Without
 * an SDK configured (observability layer) this costs nothing. Errors mark the span and are rethrown.
 */
export async function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>, parent?: TraceParent): Promise<T> {
  const context = RequestContextStore.current();
  const options = {
    attributes: {
      ...(context?.tenantId ? { 'strata.tenant.id': context.tenantId } : {}),
      ...(context?.actor ? { 'strata.actor.type': context.actor.type, 'strata.actor.id': context.actor.id } : {}),
      ...(context?.onBehalfOf ? { 'strata.on_behalf_of.id': context.onBehalfOf.id } : {}),
      ...(context?.purpose ? { 'strata.purpose': context.purpose } : {}),
      ...(context?.requestId ? { 'strata.request.id': context.requestId } : {}),
      ...attributes,
    },
  };
  const run = async (span: Span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  };
  return parent ? tracer.startActiveSpan(name, options, parent, run) : tracer.startActiveSpan(name, options, run);
}
