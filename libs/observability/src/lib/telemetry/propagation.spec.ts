import { createRequire } from 'node:module';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACE_STORE_DEFAULTS } from '../trace-store/trace-store-options';
import { startTelemetry, type Telemetry } from './telemetry';

/** Outgoing calls made inside a span carry its W3C `traceparent` (fetch through undici, and `http`). */
describe('outgoing trace-context', () => {
  const spans = new InMemorySpanExporter();
  const seen: IncomingHttpHeaders[] = [];
  let telemetry: Telemetry;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    // The platform's own instrumentations (the default), as in the API process.
    const started = startTelemetry(
      { enabled: true, serviceName: 'strata', serviceVersion: '1', deploymentEnvironment: 'test', otlp: { headers: {}, protocol: 'http/protobuf', metricExportIntervalMs: 60_000 } },
      TRACE_STORE_DEFAULTS,
      { spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] },
    );
    if (!started) throw new Error('telemetry did not start');
    telemetry = started;
    server = createServer((request, response) => {
      seen.push(request.headers);
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await telemetry.shutdown();
  });

  it('adds traceparent to fetch calls and records a client span', async () => {
    seen.length = 0;
    const tracer = trace.getTracer('test');
    const traceId = await tracer.startActiveSpan('agent step', async (span) => {
      await (await fetch(`${base}/tool`)).text();
      span.end();
      return span.spanContext().traceId;
    });
    expect(seen[0]?.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    const client = spans.getFinishedSpans().find((span) => span.instrumentationScope.name === '@opentelemetry/instrumentation-undici');
    expect(client?.spanContext().traceId).toBe(traceId);
    expect(seen[0]?.traceparent).toContain(client?.spanContext().spanId);
  });

  it('adds traceparent to http.request calls', async () => {
    seen.length = 0;
    // The http module as CommonJS code gets it, after the SDK started (the instrumentation hooks require).
    const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');
    const tracer = trace.getTracer('test');
    const traceId = await tracer.startActiveSpan('tool call', async (span) => {
      await new Promise<void>((resolve, reject) => {
        http.get(`${base}/legacy`, (response) => response.resume().on('end', resolve)).on('error', reject);
      });
      span.end();
      return span.spanContext().traceId;
    });
    expect(seen[0]?.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });
});
