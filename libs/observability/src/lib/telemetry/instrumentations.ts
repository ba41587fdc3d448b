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
 *   (`GET /v1/tenants/:id`); it makes no spans of its own. Its layer spans cost CPU and a trace-store
 *   row each on every request and say nothing the server span does not: middleware and routers are
 *   a dozen per request, and Nest registers its middleware (request context, …) as route handlers,
 *   so "request handler" spans came three per request, two of them ending before the controller
 *   ran. The server span plus Strata's own spans (mutations, GenAI calls) are the trace;
 * - pg: one span per query, only inside a traced operation (no root spans for pool chatter), no
 *   span per pool checkout (`pg-pool.connect`, one per query through Prisma's adapter), and
 *   without parameter values, which carry tenant data.
 * No NestJS instrumentation: @opentelemetry/instrumentation-nestjs-core (0.71) supports
 * @nestjs/core <12 only and would not patch Nest 12.
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
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER] }),
    new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true, enhancedDatabaseReporting: false }),
  ];
}
