import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RequestContextStore } from '@strata/kernel';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { GenAiTelemetry } from '../genai/genai-telemetry';
import { TOKEN_USAGE_BUCKETS } from '../metrics/genai-metrics';
import { TRACE_STORE_DEFAULTS } from '../trace-store/trace-store-options';
import { getTelemetry, startTelemetry, type Telemetry } from './telemetry';
import type { TelemetryOptions } from './telemetry-options';

/** One request as the receiver got it off the wire. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A minimal OTLP/HTTP receiver: accepts everything, keeps the raw requests, answers as a collector does. */
async function startReceiver(): Promise<{ base: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
      const json = String(request.headers['content-type']).includes('json');
      response.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Protobuf wire-format reader, enough to walk OTLP requests: every field of a message as raw
 * bytes (length-delimited) or a number (varint, fixed64/32). Field numbers below are from
 * opentelemetry-proto (trace/v1, metrics/v1, common/v1).
 */
function decode(buffer: Buffer): Map<number, (Buffer | bigint)[]> {
  const fields = new Map<number, (Buffer | bigint)[]>();
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buffer[offset++];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (offset < buffer.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    let value: Buffer | bigint;
    if (wire === 0) value = varint();
    else if (wire === 1) value = ((offset += 8), buffer.readBigUInt64LE(offset - 8));
    else if (wire === 5) value = ((offset += 4), BigInt(buffer.readUInt32LE(offset - 4)));
    else if (wire === 2) {
      const length = Number(varint());
      value = buffer.subarray(offset, offset + length);
      offset += length;
    } else throw new Error(`unsupported wire type ${wire}`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}
const messages = (fields: Map<number, (Buffer | bigint)[]>, field: number) => (fields.get(field) ?? []).map((value) => decode(value as Buffer));
const text = (fields: Map<number, (Buffer | bigint)[]>, field: number) => (fields.get(field)?.[0] as Buffer | undefined)?.toString('utf8');
/** KeyValue list (key = 1, value = 2: AnyValue with string_value = 1, int_value = 3) as a plain object. */
function keyValues(list: Map<number, (Buffer | bigint)[]>[]): Record<string, string | bigint | undefined> {
  return Object.fromEntries(
    list.map((kv) => {
      const value = messages(kv, 2)[0];
      return [text(kv, 1), value?.has(1) ? text(value, 1) : (value?.get(3)?.[0] as bigint | undefined)];
    }),
  );
}

/** OTLP/JSON KeyValue list as a plain object. */
function jsonKeyValues(list: { key: string; value: Record<string, unknown> }[]): Record<string, unknown> {
  return Object.fromEntries(list.map(({ key, value }) => [key, value['stringValue'] ?? value['intValue'] ?? value['arrayValue'] ?? value['boolValue']]));
}

describe('OTLP/HTTP export', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let telemetry: Telemetry | undefined;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());
  afterEach(async () => {
    await telemetry?.shutdown();
    receiver.received.length = 0;
  });

  function start(protocol: TelemetryOptions['otlp']['protocol']): Telemetry {
    const options: TelemetryOptions = {
      enabled: true,
      serviceName: 'strata-test',
      serviceVersion: '9.9.9',
      deploymentEnvironment: 'staging',
      otlp: {
        tracesUrl: `${receiver.base}/api/public/otel/v1/traces`,
        metricsUrl: `${receiver.base}/v1/metrics`,
        headers: { authorization: 'Basic cGstbGY6c2stbGY=', 'x-scope-orgid': 'strata' },
        protocol,
        metricExportIntervalMs: 3_600_000,
      },
    };
    const started = startTelemetry(options, TRACE_STORE_DEFAULTS, { instrumentations: [] });
    if (!started) throw new Error('telemetry did not start');
    return started;
  }

  async function chat(): Promise<void> {
    const genai = new GenAiTelemetry();
    await RequestContextStore.run({ requestId: 'req-otlp', tenantId: '0197a3b0-0000-7000-8000-0000000000aa', purpose: 'export.test' }, () =>
      genai.chat({ provider: 'openai', model: 'gpt-otlp' }, async (span) => {
        span.recordResponse({ model: 'gpt-otlp-2026', inputTokens: 70, outputTokens: 5, finishReasons: ['stop'] });
      }),
    );
  }

  it('sends spans and metrics as OTLP/JSON with the configured headers and resource', async () => {
    telemetry = start('http/json');
    expect(getTelemetry()).toBe(telemetry);
    await chat();
    await telemetry.forceFlush();

    const traces = receiver.received.find((request) => request.path === '/api/public/otel/v1/traces');
    expect(traces).toBeDefined();
    expect(traces?.headers['content-type']).toContain('application/json');
    expect(traces?.headers['authorization']).toBe('Basic cGstbGY6c2stbGY=');
    expect(traces?.headers['x-scope-orgid']).toBe('strata');
    const payload = JSON.parse(traces?.body.toString('utf8') ?? '{}') as {
      resourceSpans: { resource: { attributes: never[] }; scopeSpans: { spans: { name: string; attributes: never[] }[] }[] }[];
    };
    expect(jsonKeyValues(payload.resourceSpans[0].resource.attributes)).toMatchObject({
      'service.name': 'strata-test',
      'service.version': '9.9.9',
      'deployment.environment.name': 'staging',
    });
    const span = payload.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)).find((item) => item.name === 'chat gpt-otlp');
    expect(span).toBeDefined();
    expect(jsonKeyValues(span?.attributes ?? [])).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-otlp',
      'gen_ai.response.model': 'gpt-otlp-2026',
      'strata.tenant.id': '0197a3b0-0000-7000-8000-0000000000aa',
      'strata.purpose': 'export.test',
    });

    const metricsRequest = receiver.received.find((request) => request.path === '/v1/metrics');
    expect(metricsRequest?.headers['authorization']).toBe('Basic cGstbGY6c2stbGY=');
    const metricsPayload = JSON.parse(metricsRequest?.body.toString('utf8') ?? '{}') as {
      resourceMetrics: { scopeMetrics: { metrics: { name: string; histogram?: { dataPoints: { explicitBounds: number[] }[] } }[] }[] }[];
    };
    const usage = metricsPayload.resourceMetrics
      .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics))
      .find((metric) => metric.name === 'gen_ai.client.token.usage');
    expect(usage?.histogram?.dataPoints[0].explicitBounds).toEqual(TOKEN_USAGE_BUCKETS);
  });

  it('sends spans as OTLP/protobuf (the default protocol) that decode to the same content', async () => {
    telemetry = start('http/protobuf');
    await chat();
    await telemetry.forceFlush();

    const traces = receiver.received.find((request) => request.path === '/api/public/otel/v1/traces');
    expect(traces?.headers['content-type']).toBe('application/x-protobuf');
    expect(traces?.headers['authorization']).toBe('Basic cGstbGY6c2stbGY=');
    // ExportTraceServiceRequest.resource_spans = 1; ResourceSpans.resource = 1, .scope_spans = 2;
    // Resource.attributes = 1; ScopeSpans.spans = 2; Span.trace_id = 1, .name = 5, .attributes = 9.
    const resourceSpans = messages(decode(traces?.body ?? Buffer.alloc(0)), 1);
    expect(keyValues(messages(messages(resourceSpans[0], 1)[0], 1))).toMatchObject({
      'service.name': 'strata-test',
      'service.version': '9.9.9',
      'deployment.environment.name': 'staging',
    });
    const spans = resourceSpans.flatMap((resource) => messages(resource, 2).flatMap((scope) => messages(scope, 2)));
    const span = spans.find((item) => text(item, 5) === 'chat gpt-otlp');
    expect(span).toBeDefined();
    expect((span?.get(1)?.[0] as Buffer).length).toBe(16);
    expect(keyValues(messages(span ?? new Map(), 9))).toMatchObject({
      'gen_ai.request.model': 'gpt-otlp',
      'gen_ai.usage.input_tokens': 70n,
      'strata.tenant.id': '0197a3b0-0000-7000-8000-0000000000aa',
    });
  });

  it('starts once per process and can start again after a shutdown', async () => {
    telemetry = start('http/json');
    expect(start('http/protobuf')).toBe(telemetry);
    await telemetry.shutdown();
    expect(getTelemetry()).toBeUndefined();
    telemetry = start('http/protobuf');
    expect(getTelemetry()).toBe(telemetry);
    expect(telemetry.options.otlp.protocol).toBe('http/protobuf');
  });

  it('starts nothing when STRATA_TELEMETRY=off', () => {
    const off = startTelemetry(
      { enabled: false, serviceName: 's', serviceVersion: '1', deploymentEnvironment: 'test', otlp: { headers: {}, protocol: 'http/protobuf', metricExportIntervalMs: 60_000 } },
      TRACE_STORE_DEFAULTS,
    );
    expect(off).toBeUndefined();
    expect(getTelemetry()).toBeUndefined();
  });
});
