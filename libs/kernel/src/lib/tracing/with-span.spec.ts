import { context as otelContext, createContextKey, trace, type Context, type Span, type SpanOptions, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestContextStore } from '../context/request-context';

interface Recorded {
  name: string;
  attributes: Record<string, unknown>;
  status?: { code: number };
  ended: boolean;
  exceptions: unknown[];
  /** The parent context passed explicitly, if any. */
  parent?: Context;
}

/** A minimal in-process TracerProvider that records spans (the OpenTelemetry SDK arrives with observability). */
class RecordingProvider implements TracerProvider {
  readonly spans: Recorded[] = [];
  getTracer(): Tracer {
    const spans = this.spans;
    const start = (name: string, options?: SpanOptions, parent?: Context): Span => {
      const record: Recorded = { name, attributes: { ...(options?.attributes ?? {}) }, ended: false, exceptions: [], parent };
      spans.push(record);
      const span = {
        spanContext: () => ({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 1 }),
        setAttribute: (key: string, value: unknown) => ((record.attributes[key] = value), span),
        setAttributes: (attributes: Record<string, unknown>) => (Object.assign(record.attributes, attributes), span),
        addEvent: () => span,
        addLink: () => span,
        addLinks: () => span,
        setStatus: (status: { code: number }) => ((record.status = status), span),
        updateName: () => span,
        end: () => {
          record.ended = true;
        },
        isRecording: () => true,
        recordException: (exception: unknown) => {
          record.exceptions.push(exception);
        },
      } as unknown as Span;
      return span;
    };
    return {
      startSpan: start,
      startActiveSpan: ((name: string, options: SpanOptions, ...rest: [(span: Span) => unknown] | [Context, (span: Span) => unknown]) =>
        rest.length === 1 ? rest[0](start(name, options)) : rest[1](start(name, options, rest[0]))) as Tracer['startActiveSpan'],
    };
  }
}

describe('withSpan', () => {
  const provider = new RecordingProvider();
  let withSpan: typeof import('./with-span').withSpan;

  beforeAll(async () => {
    trace.setGlobalTracerProvider(provider);
    ({ withSpan } = await import('./with-span'));
  });
  afterAll(() => trace.disable());

  it('tags the span with the request context and ends it', async () => {
    const result = await RequestContextStore.run(
      { requestId: 'r1', tenantId: 't1', actor: { type: 'user', id: 'u1' }, purpose: 'fraud-review' },
      () => withSpan('api_key.create', { 'strata.target.type': 'ApiKey' }, async () => 42),
    );
    expect(result).toBe(42);
    expect(provider.spans.at(-1)).toMatchObject({
      name: 'api_key.create',
      ended: true,
      attributes: {
        'strata.tenant.id': 't1',
        'strata.actor.id': 'u1',
        'strata.purpose': 'fraud-review',
        'strata.request.id': 'r1',
        'strata.target.type': 'ApiKey',
      },
    });
  });

  it('hangs the span under an explicit parent taken earlier', async () => {
    const marker = createContextKey('marker');
    // No context manager here (the SDK brings one): the parent is built, not taken from the active context.
    const parent = otelContext.active().setValue(marker, 'earlier');
    await withSpan('later', {}, async () => 'done', parent);
    expect(provider.spans.at(-1)?.parent?.getValue(marker)).toBe('earlier');
    await withSpan('no parent', {}, async () => 'done');
    expect(provider.spans.at(-1)?.parent).toBeUndefined();
  });

  it('marks a failed span and rethrows', async () => {
    await expect(withSpan('boom', {}, async () => Promise.reject(new Error('nope')))).rejects.toThrow('nope');
    expect(provider.spans.at(-1)).toMatchObject({ name: 'boom', ended: true, status: { code: 2 } });
    expect(provider.spans.at(-1)?.exceptions).toHaveLength(1);
  });
});
