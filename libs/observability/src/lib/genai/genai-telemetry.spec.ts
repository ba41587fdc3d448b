import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type HistogramMetricData,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { RequestContextStore, type RequestContext } from '@strata/kernel';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OPERATION_DURATION_BUCKETS, TOKEN_USAGE_BUCKETS } from '../metrics/genai-metrics';
import type { ContentPolicy } from './content-policy';
import { CONTENT_ATTRIBUTE_MAX_CHARS, GenAiTelemetry } from './genai-telemetry';

const tenantContext: RequestContext = {
  requestId: 'req-1',
  tenantId: '0197a3b0-0000-7000-8000-000000000001',
  actor: { type: 'agent', id: 'agent-7' },
  onBehalfOf: { type: 'user', id: 'user-3' },
  purpose: 'support.answer',
};

describe('GenAiTelemetry', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  const spans = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });

  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
  });
  afterAll(async () => {
    context.disable();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  });
  beforeEach(() => {
    spans.reset();
  });

  function telemetry(contentPolicy?: ContentPolicy): GenAiTelemetry {
    return new GenAiTelemetry({ tracerProvider, meterProvider, contentPolicy });
  }

  function only(name: string): ReadableSpan {
    const found = spans.getFinishedSpans().filter((span) => span.name === name);
    expect(found).toHaveLength(1);
    return found[0];
  }

  it('opens `chat {model}` by the GenAI conventions, tagged with the request context', async () => {
    const genai = telemetry();
    const answer = await RequestContextStore.run(tenantContext, () =>
      genai.chat({ provider: 'openai', model: 'gpt-5-mini', serverAddress: 'api.openai.com', serverPort: 443, temperature: 0.2, maxTokens: 400 }, async (span) => {
        span.recordResponse({ model: 'gpt-5-mini-2026-08-01', id: 'chatcmpl-1', finishReasons: ['stop'], inputTokens: 120, outputTokens: 48 });
        return 'hello';
      }),
    );
    expect(answer).toBe('hello');
    const span = only('chat gpt-5-mini');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-5-mini',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.max_tokens': 400,
      'gen_ai.response.model': 'gpt-5-mini-2026-08-01',
      'gen_ai.response.id': 'chatcmpl-1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 48,
      'server.address': 'api.openai.com',
      'server.port': 443,
      'strata.tenant.id': tenantContext.tenantId,
      'strata.actor.type': 'agent',
      'strata.actor.id': 'agent-7',
      'strata.on_behalf_of.type': 'user',
      'strata.on_behalf_of.id': 'user-3',
      'strata.purpose': 'support.answer',
      'strata.request.id': 'req-1',
    });
    // The default policy records no content at all.
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(span.attributes['strata.gen_ai.content_recorded']).toBeUndefined();
  });

  it('nests embeddings, tools and model calls under `invoke_agent {agent}`, all carrying the run id', async () => {
    const genai = telemetry();
    await RequestContextStore.run(tenantContext, () =>
      genai.invokeAgent({ id: 'agt_1', name: 'Support', version: '3', runId: 'run-42' }, async () => {
        await genai.embeddings({ provider: 'ollama', model: 'nomic-embed-text', dimensions: 768 }, async (span) => {
          span.recordResponse({ inputTokens: 9 });
        });
        await genai.executeTool({ name: 'lookup_order', callId: 'call_1', type: 'function' }, async () => 'ok');
      }),
    );
    const agent = only('invoke_agent Support');
    const embeddings = only('embeddings nomic-embed-text');
    const tool = only('execute_tool lookup_order');
    expect(agent.kind).toBe(SpanKind.INTERNAL);
    expect(agent.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': 'agt_1',
      'gen_ai.agent.name': 'Support',
      'gen_ai.agent.version': '3',
      'strata.run.id': 'run-42',
      'strata.tenant.id': tenantContext.tenantId,
    });
    expect(embeddings.attributes).toMatchObject({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.embeddings.dimension.count': 768,
      'gen_ai.usage.input_tokens': 9,
      'strata.run.id': 'run-42',
    });
    expect(tool.kind).toBe(SpanKind.INTERNAL);
    expect(tool.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'lookup_order',
      'gen_ai.tool.call.id': 'call_1',
      'gen_ai.tool.type': 'function',
      'strata.run.id': 'run-42',
    });
    for (const child of [embeddings, tool]) {
      expect(child.spanContext().traceId).toBe(agent.spanContext().traceId);
      expect(child.parentSpanContext?.spanId).toBe(agent.spanContext().spanId);
    }
  });

  it('marks failures with error.type and rethrows', async () => {
    const genai = telemetry();
    const failure = Object.assign(new Error('rate limited'), { code: 'model_gateway.rate_limited' });
    await expect(genai.chat({ provider: 'anthropic', model: 'claude-x' }, async () => Promise.reject(failure))).rejects.toBe(failure);
    const span = only('chat claude-x');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'rate limited' });
    expect(span.attributes['error.type']).toBe('model_gateway.rate_limited');
    expect(span.events.map((event) => event.name)).toContain('exception');
  });

  describe('content', () => {
    const messages = [
      { role: 'user' as const, parts: [{ type: 'text' as const, content: 'My card is 4111 1111 1111 1111, email ann@example.com' }] },
    ];
    const redact = (text: string) => text.replace(/\d{4}( \d{4}){3}/g, '[card]').replace(/\b[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[email]');
    const asked: string[] = [];
    const optedIn: ContentPolicy = {
      recordContent: async (tenantId) => {
        asked.push(tenantId);
        return tenantId === tenantContext.tenantId;
      },
      redact,
    };

    it('is recorded only for a tenant that opted in, and always redacted', async () => {
      const genai = telemetry(optedIn);
      await RequestContextStore.run(tenantContext, () =>
        genai.chat({ provider: 'openai', model: 'gpt-5' }, async (span) => {
          expect(span.recordsContent).toBe(true);
          span.recordInputMessages(messages, 'You are helpful. Escalate to ops@example.com');
          span.recordOutputMessages([{ role: 'assistant', parts: [{ type: 'text', content: 'Card 4111 1111 1111 1111 noted' }], finish_reason: 'stop' }]);
        }),
      );
      const span = only('chat gpt-5');
      expect(asked).toContain(tenantContext.tenantId);
      expect(span.attributes['strata.gen_ai.content_recorded']).toBe(true);
      expect(JSON.parse(String(span.attributes['gen_ai.input.messages']))).toEqual([
        { role: 'user', parts: [{ type: 'text', content: 'My card is [card], email [email]' }] },
      ]);
      expect(JSON.parse(String(span.attributes['gen_ai.system_instructions']))).toEqual([{ type: 'text', content: 'You are helpful. Escalate to [email]' }]);
      expect(JSON.parse(String(span.attributes['gen_ai.output.messages']))).toEqual([
        { role: 'assistant', parts: [{ type: 'text', content: 'Card [card] noted' }], finish_reason: 'stop' },
      ]);
      const raw = JSON.stringify(span.attributes);
      expect(raw).not.toContain('4111');
      expect(raw).not.toContain('ann@example.com');
    });

    it('is not recorded for another tenant, without a tenant, or when the policy fails', async () => {
      const genai = telemetry(optedIn);
      await RequestContextStore.run({ ...tenantContext, tenantId: '0197a3b0-0000-7000-8000-000000000002' }, () =>
        genai.chat({ provider: 'openai', model: 'other-tenant' }, async (span) => {
          expect(span.recordsContent).toBe(false);
          span.recordInputMessages(messages);
        }),
      );
      await genai.chat({ provider: 'openai', model: 'no-context' }, async (span) => span.recordInputMessages(messages));
      const failing = telemetry({ recordContent: () => Promise.reject(new Error('settings unavailable')), redact });
      await RequestContextStore.run(tenantContext, () =>
        failing.chat({ provider: 'openai', model: 'policy-down' }, async (span) => span.recordInputMessages(messages)),
      );
      for (const name of ['chat other-tenant', 'chat no-context', 'chat policy-down']) {
        expect(only(name).attributes['gen_ai.input.messages']).toBeUndefined();
      }
    });

    it('redacts tool arguments and results leaf by leaf and caps their size', async () => {
      const genai = telemetry(optedIn);
      await RequestContextStore.run(tenantContext, () =>
        genai.executeTool({ name: 'send_mail' }, async (span) => {
          span.recordArguments({ to: 'ann@example.com', body: 'x'.repeat(CONTENT_ATTRIBUTE_MAX_CHARS * 10) });
          span.recordResult({ delivered: true, id: 7 });
        }),
      );
      const span = only('execute_tool send_mail');
      const args = String(span.attributes['gen_ai.tool.call.arguments']);
      expect(args.startsWith('{"to":"[email]","body":"xxx')).toBe(true);
      expect(args.length).toBe(CONTENT_ATTRIBUTE_MAX_CHARS);
      expect(args.endsWith('…[truncated]')).toBe(true);
      expect(JSON.parse(String(span.attributes['gen_ai.tool.call.result']))).toEqual({ delivered: true, id: 7 });
    });

    it('drops content whose redaction throws instead of recording it raw', async () => {
      const genai = telemetry({ recordContent: () => true, redact: () => { throw new Error('guardrail down'); } });
      await RequestContextStore.run(tenantContext, () =>
        genai.chat({ provider: 'openai', model: 'redaction-down' }, async (span) => span.recordInputMessages(messages)),
      );
      expect(only('chat redaction-down').attributes['gen_ai.input.messages']).toBeUndefined();
    });
  });

  it('records gen_ai.client.token.usage and gen_ai.client.operation.duration with the conventions\' buckets', async () => {
    const genai = telemetry();
    await genai.chat({ provider: 'openai', model: 'metrics-model' }, async (span) => {
      span.recordResponse({ model: 'metrics-model-1', inputTokens: 300, outputTokens: 20 });
    });
    await expect(
      genai.chat({ provider: 'openai', model: 'metrics-model' }, async () => Promise.reject(Object.assign(new Error('boom'), { name: 'TimeoutError' }))),
    ).rejects.toThrow('boom');
    await reader.forceFlush();
    const exported = metricExporter.getMetrics().at(-1);
    const all = exported?.scopeMetrics.flatMap((scope) => scope.metrics) ?? [];
    const usage = all.find((metric) => metric.descriptor.name === 'gen_ai.client.token.usage') as HistogramMetricData;
    const duration = all.find((metric) => metric.descriptor.name === 'gen_ai.client.operation.duration') as HistogramMetricData;
    expect(usage.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(usage.descriptor.unit).toBe('{token}');
    expect(duration.descriptor.unit).toBe('s');

    const input = usage.dataPoints.find((point) => point.attributes['gen_ai.token.type'] === 'input' && point.attributes['gen_ai.request.model'] === 'metrics-model');
    expect(input?.value.buckets.boundaries).toEqual(TOKEN_USAGE_BUCKETS);
    expect(input?.value.sum).toBe(300);
    expect(input?.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.response.model': 'metrics-model-1' });
    // 300 tokens fall in the (256, 1024] bucket.
    expect(input?.value.buckets.counts[TOKEN_USAGE_BUCKETS.indexOf(1024)]).toBe(1);
    const output = usage.dataPoints.find((point) => point.attributes['gen_ai.token.type'] === 'output' && point.attributes['gen_ai.request.model'] === 'metrics-model');
    expect(output?.value.sum).toBe(20);
    // Tenant ids never become metric labels (unbounded cardinality).
    expect(JSON.stringify(usage.dataPoints.map((point) => point.attributes))).not.toContain('strata.');

    const points = duration.dataPoints.filter((point) => point.attributes['gen_ai.request.model'] === 'metrics-model');
    expect(points.map((point) => point.value.buckets.boundaries)).toEqual([OPERATION_DURATION_BUCKETS, OPERATION_DURATION_BUCKETS]);
    expect(points.map((point) => point.attributes['error.type']).sort()).toEqual(['TimeoutError', undefined]);
  });
});
