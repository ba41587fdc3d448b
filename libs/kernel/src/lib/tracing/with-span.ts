import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { RequestContextStore } from '../context/request-context';

const tracer = trace.getTracer('strata');

/**
 * Runs `fn` in an active OpenTelemetry span named `name`, tagged with the request context (tenant,
 * actor, on-behalf-of, purpose). Without an SDK configured (observability layer) this costs
 * nothing. Errors mark the span and are rethrown.
 */
export async function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  const context = RequestContextStore.current();
  return tracer.startActiveSpan(
    name,
    {
      attributes: {
        ...(context?.tenantId ? { 'strata.tenant.id': context.tenantId } : {}),
        ...(context?.actor ? { 'strata.actor.type': context.actor.type, 'strata.actor.id': context.actor.id } : {}),
        ...(context?.onBehalfOf ? { 'strata.on_behalf_of.id': context.onBehalfOf.id } : {}),
        ...(context?.purpose ? { 'strata.purpose': context.purpose } : {}),
        ...(context?.requestId ? { 'strata.request.id': context.requestId } : {}),
        ...attributes,
      },
    },
    async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
