import type { IncomingMessage } from 'node:http';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';

/**
 * Paths not traced: readiness/liveness probes and Prometheus scrapes arrive every few seconds and
 * would fill the trace store with spans nobody reads (they are also left out of the HTTP metrics).
 */
export const UNTRACED_PATHS: readonly RegExp[] = [/^\/health(\/|$|\?)/, /^\/metrics(\/|$|\?)/];

export function isUntracedRequest(request: Pick<IncomingMessage, 'url'>): boolean {
  const url = request.url ?? '';
  return UNTRACED_PATHS.some((pattern) => pattern.test(url));
}

/**
 * The instrumentations of the API process:
 * - http: server spans (continuing an incoming `traceparent`), client spans for `http.request`,
 *   and the stable HTTP server/client duration metrics;
 * - undici: client spans and `traceparent` on `fetch` (Node's fetch does not go through `http`);
 * - express: names server spans and the `http.route` metric attribute by route template
 *   (`GET /v1/tenants/:id`), plus one span for the route handler (Nest's controller call); the
 *   per-middleware spans are off (a dozen per request, no value);
 * - pg: one span per query, only inside a traced operation (no root spans for pool chatter), and
 *   without parameter values, which carry tenant data.
 * No NestJS instrumentation: @opentelemetry/instrumentation-nestjs-core (0.71) supports
 * @nestjs/core <12 only and would not patch Nest 12; the Express handler span covers the controller.
 */
export function platformInstrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: isUntracedRequest,
      // The server span starts before authentication; when the response ends, copy the principal
      // that authentication attached to the request (`request.principal`) onto it, so the whole
      // trace, root included, is filed under the tenant.
      applyCustomAttributesOnSpan: (span, request) => {
        const principal = (request as { principal?: { tenantId?: unknown; actor?: { type?: unknown; id?: unknown } } }).principal;
        if (typeof principal?.tenantId !== 'string') return;
        span.setAttribute('strata.tenant.id', principal.tenantId);
        if (typeof principal.actor?.type === 'string') span.setAttribute('strata.actor.type', principal.actor.type);
        if (typeof principal.actor?.id === 'string') span.setAttribute('strata.actor.id', principal.actor.id);
      },
    }),
    new UndiciInstrumentation(),
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
    new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
  ];
}
