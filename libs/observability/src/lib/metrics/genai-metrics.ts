import { metrics, type Attributes, type Histogram, type MeterProvider } from '@opentelemetry/api';

/** `gen_ai.client.token.usage` bucket boundaries, as the GenAI semantic conventions advise (powers of 4). */
export const TOKEN_USAGE_BUCKETS: readonly number[] = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/** `gen_ai.client.operation.duration` bucket boundaries in seconds, as the GenAI semantic conventions advise. */
export const OPERATION_DURATION_BUCKETS: readonly number[] = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

export const GENAI_METER_NAME = '@strata/observability/genai';

/**
 * The GenAI client metrics. Boundaries travel as instrument advice, so every reader (Prometheus,
 * OTLP, in-memory) aggregates with them without a view. Attributes follow the conventions and
 * deliberately leave out tenant, actor and run ids: they are unbounded and would multiply the
 * series of every histogram (per-tenant usage is the trace store's and the gateway's ledger's job).
 */
export class GenAiMetrics {
  private readonly tokenUsage: Histogram;
  private readonly operationDuration: Histogram;

  /**
   * `meterProvider` defaults to the global one. The API's meter is not a proxy (unlike the
   * tracer): construct this after the SDK started, which the preload entry guarantees.
   */
  constructor(meterProvider: MeterProvider = metrics.getMeterProvider()) {
    const meter = meterProvider.getMeter(GENAI_METER_NAME);
    this.tokenUsage = meter.createHistogram('gen_ai.client.token.usage', {
      description: 'Number of input and output tokens used.',
      unit: '{token}',
      advice: { explicitBucketBoundaries: [...TOKEN_USAGE_BUCKETS] },
    });
    this.operationDuration = meter.createHistogram('gen_ai.client.operation.duration', {
      description: 'GenAI operation duration.',
      unit: 's',
      advice: { explicitBucketBoundaries: [...OPERATION_DURATION_BUCKETS] },
    });
  }

  /** Records one operation: its duration, and its token counts where the provider reported them. */
  record(
    attributes: Attributes,
    durationSeconds: number,
    usage: { inputTokens?: number; outputTokens?: number } = {},
  ): void {
    this.operationDuration.record(durationSeconds, attributes);
    // error.type belongs to the duration metric only (the conventions do not list it for token usage).
    const { 'error.type': _errorType, ...tokenAttributes } = attributes;
    if (isCount(usage.inputTokens)) this.tokenUsage.record(usage.inputTokens, { ...tokenAttributes, 'gen_ai.token.type': 'input' });
    if (isCount(usage.outputTokens)) this.tokenUsage.record(usage.outputTokens, { ...tokenAttributes, 'gen_ai.token.type': 'output' });
  }
}

function isCount(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
