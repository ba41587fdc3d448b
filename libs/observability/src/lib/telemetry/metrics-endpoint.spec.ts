import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenAiTelemetry } from '../genai/genai-telemetry';
import { TRACE_STORE_DEFAULTS } from '../trace-store/trace-store-options';
import { createMetricsHandler } from './metrics-endpoint';
import { startTelemetry, type Telemetry } from './telemetry';

describe('/metrics handler', () => {
  let telemetry: Telemetry;
  let server: Server;
  let base: string;
  const token = 'scrape-token-0123456789';

  beforeAll(async () => {
    const started = startTelemetry(
      { enabled: true, serviceName: 'strata', serviceVersion: '1.0.0', deploymentEnvironment: 'test', otlp: { headers: {}, protocol: 'http/protobuf', metricExportIntervalMs: 60_000 } },
      TRACE_STORE_DEFAULTS,
      { instrumentations: [] },
    );
    if (!started) throw new Error('telemetry did not start');
    telemetry = started;
    const handler = createMetricsHandler(telemetry.prometheus, token);
    server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new GenAiTelemetry().chat({ provider: 'openai', model: 'gpt-prom' }, async (span) => span.recordResponse({ inputTokens: 5, outputTokens: 3 }));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await telemetry.shutdown();
  });

  it('answers the Prometheus text format with the GenAI histograms and their buckets', async () => {
    const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const body = await response.text();
    expect(body).toContain('# TYPE gen_ai_client_token_usage histogram');
    expect(body).toMatch(/gen_ai_client_token_usage_bucket\{[^}]*gen_ai_token_type="input"[^}]*le="4"\} 0/);
    expect(body).toMatch(/gen_ai_client_token_usage_bucket\{[^}]*gen_ai_token_type="input"[^}]*le="16"\} 1/);
    expect(body).toMatch(/gen_ai_client_token_usage_bucket\{[^}]*le="67108864"\}/);
    expect(body).toContain('# TYPE gen_ai_client_operation_duration histogram');
    expect(body).toMatch(/gen_ai_client_operation_duration_bucket\{[^}]*le="81.92"\} 1/);
    expect(body).toContain('target_info{');
    expect(body).toMatch(/service_name="strata"/);
  });

  it('refuses a scrape without the bearer token, or with a wrong one', async () => {
    const missing = await fetch(`${base}/metrics`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: `Basic ${token}` } })).status).toBe(401);
  });

  it('allows only GET and HEAD', async () => {
    const response = await fetch(`${base}/metrics`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('is open when no token is configured', async () => {
    const open = createServer(createMetricsHandler(telemetry.prometheus, undefined));
    await new Promise<void>((resolve) => open.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(open.address() as AddressInfo).port}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('gen_ai_client_token_usage');
    } finally {
      await new Promise<void>((resolve) => open.close(() => resolve()));
    }
  });
});
