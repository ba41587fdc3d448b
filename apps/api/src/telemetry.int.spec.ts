import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The built API as production runs it (`node --import telemetry.js main.js`) on a fresh embedded
 * database, exporting OTLP/JSON to a receiver in this test: W3C trace-context in, spans of the
 * HTTP, Express and pg instrumentations out, /metrics, log correlation, flush at SIGTERM.
 */
const root = fileURLToPath(new URL('../../..', import.meta.url));
const outDir = path.join(root, 'tmp', `api-telemetry-test-${process.pid}`);

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

function attributes(span: OtlpSpan): Record<string, unknown> {
  return Object.fromEntries(span.attributes.map(({ key, value }) => [key, value['stringValue'] ?? value['intValue'] ?? value['boolValue']]));
}

interface RunningApi {
  base: string;
  stdout: () => string;
  stderr: () => string;
  stop: () => Promise<number | null>;
}

async function startApi(env: Record<string, string>): Promise<RunningApi> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'strata-telemetry-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', path.join(outDir, 'telemetry.js'), path.join(outDir, 'main.js')], {
    cwd: root,
    env: { ...process.env, PORT: '0', STRATA_DATA_DIR: dataDir, STRATA_ADMIN_DIST: '', NODE_ENV: 'production', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = Date.now();
  let base: string | undefined;
  while (!base) {
    base = /Health:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(out)?.[1];
    if (child.exitCode !== null) throw new Error(`API exited (${child.exitCode}): ${err}`);
    if (Date.now() - started > 90_000) throw new Error(`API not ready within 90 s: ${err}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    base,
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      child.kill('SIGTERM');
      const code = await exited;
      await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Log lines are written asynchronously: wait (bounded) for the one wanted. */
async function waitForLine(api: RunningApi, match: (line: string) => boolean): Promise<string> {
  const started = Date.now();
  for (;;) {
    const line = api.stdout().split('\n').find(match);
    if (line) return line;
    if (Date.now() - started > 5_000) throw new Error(`no such log line in:\n${api.stdout()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('API telemetry (built bundle, preloaded SDK)', () => {
  const received: Received[] = [];
  let receiver: Server;
  let receiverBase: string;

  beforeAll(async () => {
    await build({ configFile: path.join(root, 'apps/api/vite.config.ts'), logLevel: 'warn', build: { outDir } });
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({ path: request.url ?? '', headers: request.headers, rawHeaders: request.rawHeaders, body });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => receiver?.close(() => resolve()));
    await rm(outDir, { recursive: true, force: true });
  });

  it('continues an incoming traceparent, exports the request\'s spans over OTLP, serves /metrics, logs trace ids', async () => {
    const api = await startApi({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiverBase,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20collector-secret,x-tenant=strata',
      OTEL_SERVICE_NAME: 'strata-it',
      STRATA_METRICS_TOKEN: 'metrics-token-0123456789',
      STRATA_BOOTSTRAP: 'always',
    });
    let exitCode: number | null = null;
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const parentSpanId = '00f067aa0ba902b7';
      const response = await fetch(`${api.base}/system/status`, { headers: { traceparent: `00-${traceId}-${parentSpanId}-01` } });
      expect(response.status).toBe(200);
      // An authenticated call: its server span must be filed under the caller's tenant.
      const ownerKey = /strata_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/.exec(api.stdout())?.[0];
      expect(ownerKey, 'the first start prints an owner key').toBeDefined();
      const authedTraceId = '5cf92f3577b34da6a3ce929d0e0e4737';
      const authed = await fetch(`${api.base}/governance/purposes`, {
        headers: { authorization: `Bearer ${ownerKey}`, traceparent: `00-${authedTraceId}-${parentSpanId}-01` },
      });
      expect(authed.status).toBe(200);

      expect((await fetch(`${api.base}/metrics`)).status).toBe(401);
      const metrics = await fetch(`${api.base}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toContain('# TYPE http_server_request_duration histogram');
      expect(text).toMatch(/http_server_request_duration_count\{[^}]*http_request_method="GET"[^}]*http_route="\/system\/status"[^}]*http_response_status_code="200"/);
      expect(text).toContain('db_client_operation_duration');
      // Scrapes and probes are not traced, so they do not show up in the HTTP metrics either.
      expect(text).not.toMatch(/http_route="\/metrics/);

      const logLine = await waitForLine(api, (line) => line.includes('"url":"/system/status"') && line.includes('request completed'));
      expect(JSON.parse(logLine)).toMatchObject({ trace_id: traceId, span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });

      exitCode = await api.stop();
      expect(exitCode).toBe(0);

      const traceRequests = received.filter((request) => request.path === '/v1/traces');
      expect(traceRequests.length).toBeGreaterThan(0);
      for (const request of traceRequests) {
        expect(request.headers['authorization']).toBe('Bearer collector-secret');
        // Once: the exporters also read the variable themselves.
        expect(request.rawHeaders.filter((name) => name.toLowerCase() === 'authorization')).toHaveLength(1);
        expect(request.headers['x-tenant']).toBe('strata');
      }
      const payloads = traceRequests.map(
        (request) =>
          JSON.parse(request.body) as {
            resourceSpans: { resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[] }[];
          },
      );
      const resource = attributes({ attributes: payloads[0].resourceSpans[0].resource.attributes } as OtlpSpan);
      expect(resource).toMatchObject({ 'service.name': 'strata-it', 'service.version': expect.any(String), 'deployment.environment.name': 'production' });

      const spans = payloads.flatMap((payload) =>
        payload.resourceSpans.flatMap((resourceSpans) => resourceSpans.scopeSpans.flatMap((scope) => scope.spans.map((span) => ({ ...span, scope: scope.scope.name })))),
      );
      const inTrace = spans.filter((span) => span.traceId === traceId);
      const server = inTrace.find((span) => span.scope === '@opentelemetry/instrumentation-http');
      expect(server?.name).toBe('GET /system/status');
      expect(server?.parentSpanId).toBe(parentSpanId);
      expect(attributes(server as OtlpSpan)).toMatchObject({ 'http.route': '/system/status', 'http.response.status_code': 200 });
      // Express names the route but makes no layer spans (middleware, routers, handlers: cost, no value).
      expect(spans.some((span) => span.scope === '@opentelemetry/instrumentation-express')).toBe(false);
      expect(inTrace.some((span) => span.scope === '@opentelemetry/instrumentation-pg' && span.parentSpanId === server?.spanId)).toBe(true);
      // The authenticated request's server span carries its tenant and actor, and tagging it never
      // touched an ended span (the SDK reports that on stderr).
      const authedServer = spans.find((span) => span.traceId === authedTraceId && span.scope === '@opentelemetry/instrumentation-http');
      expect(authedServer?.name).toBe('GET /governance/purposes');
      expect(attributes(authedServer as OtlpSpan)).toMatchObject({
        'strata.tenant.id': expect.stringMatching(/^[0-9a-f-]{36}$/),
        'strata.actor.type': expect.any(String),
        'strata.actor.id': expect.any(String),
      });
      expect(api.stderr()).not.toContain('ended Span');
      // Probes and scrapes never become spans.
      expect(spans.some((span) => /\/metrics|\/health/.test(span.name))).toBe(false);
    } finally {
      if (exitCode === null) await api.stop();
    }
  }, 180_000);

  it('with STRATA_TELEMETRY=off starts no SDK: no /metrics, nothing exported', async () => {
    received.length = 0;
    const api = await startApi({ STRATA_TELEMETRY: 'off', OTEL_EXPORTER_OTLP_ENDPOINT: receiverBase });
    try {
      expect((await fetch(`${api.base}/metrics`)).status).toBe(404);
      const response = await fetch(`${api.base}/system/status`, { headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
      expect(response.status).toBe(200);
      const logLine = await waitForLine(api, (line) => line.includes('"url":"/system/status"') && line.includes('request completed'));
      expect(JSON.parse(logLine)).not.toHaveProperty('trace_id');
    } finally {
      expect(await api.stop()).toBe(0);
    }
    expect(received).toEqual([]);
  }, 180_000);
});
