import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { context, diag, DiagLogLevel, logs, metrics, propagation, trace, type DiagLogger } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter as OtlpJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OtlpProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter as OtlpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { envDetector, processDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { PostgresSpanProcessor } from '../trace-store/postgres-span-processor';
import type { TraceStoreOptions } from '../trace-store/trace-store-options';
import { platformInstrumentations } from './instrumentations';
import type { TelemetryOptions } from './telemetry-options';

/** Limits of the OTLP span pipeline: bounded memory, never blocks a request (spans beyond are dropped). */
export const OTLP_SPAN_BATCH_LIMITS = {
  maxQueueSize: 8192,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 2000,
  exportTimeoutMillis: 10_000,
} as const;

/** How long one OTLP request may take before the exporter gives up (a slow collector must not pile up requests). */
const OTLP_TIMEOUT_MS = 10_000;

/** The running SDK of this process, as the API and the observability module see it. */
export interface Telemetry {
  readonly options: TelemetryOptions;
  /** The span processor that writes every span to PostgreSQL once a sink is attached (trace store). */
  readonly spanStore: PostgresSpanProcessor;
  /** Serves the current metrics in the Prometheus text format (pull; no own port). */
  readonly prometheus: PrometheusExporter;
  /** Exports what is buffered (spans and metrics) without stopping. */
  forceFlush(): Promise<void>;
  /** Flushes and stops the SDK; later spans are no-ops. Idempotent. */
  shutdown(): Promise<void>;
}

export interface StartTelemetryOverrides {
  /** Extra span processors (tests add an in-memory exporter here). */
  spanProcessors?: SpanProcessor[];
  /** Extra metric readers (tests add an in-memory reader here). */
  metricReaders?: IMetricReader[];
  /** Replaces the HTTP, undici, Express and pg instrumentations. */
  instrumentations?: Instrumentation[];
  /** Where the SDK's own warnings go (export failures, dropped spans); default: console at WARN. */
  diagLogger?: DiagLogger;
}

/** A process-wide slot: the preload entry and the API bundle are separate module graphs. */
const TELEMETRY_SLOT = Symbol.for('strata.observability.telemetry');
type Slot = { [TELEMETRY_SLOT]?: Telemetry };

/**
 * The telemetry started in this process, or undefined (STRATA_TELEMETRY=off, or started without
 * the preload entry, as in unit tests). Read through a global symbol because the SDK is started by
 * `dist/apps/api/telemetry.js` (`node --import`), a bundle separate from `main.js`.
 */
export function getTelemetry(): Telemetry | undefined {
  return (globalThis as Slot)[TELEMETRY_SLOT];
}

/**
 * Starts the OpenTelemetry SDK once per process: resource (service.name, service.version,
 * deployment.environment.name), W3C trace-context propagation, the trace store's span processor,
 * OTLP/HTTP export of spans and metrics when an endpoint is configured, the Prometheus reader, and
 * the HTTP, fetch (undici), Express and pg instrumentations. Must run before `http`, `express` and
 * `pg` are loaded for their instrumentation to apply (see apps/api/src/telemetry.ts).
 *
 * Returns the running telemetry; a second call returns the first one (one SDK per process: two
 * would register competing global providers).
 */
export function startTelemetry(
  options: TelemetryOptions,
  traceStore: Pick<TraceStoreOptions, 'maxQueueSize' | 'maxBatchSize' | 'flushIntervalMs'>,
  overrides: StartTelemetryOverrides = {},
): Telemetry | undefined {
  if (!options.enabled) return undefined;
  const existing = getTelemetry();
  if (existing) return existing;

  // Export failures (collector down, 401 from Langfuse) are reported once per failure here rather
  // than thrown: telemetry must never fail a request.
  diag.setLogger(overrides.diagLogger ?? consoleDiagLogger(), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });

  const spanStore = new PostgresSpanProcessor({
    maxQueueSize: traceStore.maxQueueSize,
    maxBatchSize: traceStore.maxBatchSize,
    flushIntervalMs: traceStore.flushIntervalMs,
  });
  const spanProcessors: SpanProcessor[] = [spanStore];
  const { otlp } = options;
  if (otlp.tracesUrl) {
    const config = { url: otlp.tracesUrl, headers: { ...otlp.headers }, timeoutMillis: OTLP_TIMEOUT_MS };
    const exporter = otlp.protocol === 'http/json' ? new OtlpJsonTraceExporter(config) : new OtlpProtoTraceExporter(config);
    spanProcessors.push(new BatchSpanProcessor({ exporter, ...OTLP_SPAN_BATCH_LIMITS }));
  }
  spanProcessors.push(...(overrides.spanProcessors ?? []));

  // Scrape-time only: no server of its own, /metrics is mounted on the API's port (bootstrap.ts).
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const metricReaders: IMetricReader[] = [prometheus];
  if (otlp.metricsUrl) {
    const config = { url: otlp.metricsUrl, headers: { ...otlp.headers }, timeoutMillis: OTLP_TIMEOUT_MS };
    const exporter = otlp.protocol === 'http/json' ? new OtlpJsonMetricExporter(config) : new OtlpProtoMetricExporter(config);
    metricReaders.push(
      new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: otlp.metricExportIntervalMs,
        exportTimeoutMillis: Math.min(OTLP_TIMEOUT_MS, otlp.metricExportIntervalMs),
      }),
    );
  }
  metricReaders.push(...(overrides.metricReaders ?? []));

  const instrumentations = overrides.instrumentations ?? platformInstrumentations();
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      'service.name': options.serviceName,
      'service.version': options.serviceVersion,
      'service.instance.id': randomUUID(),
      'deployment.environment.name': options.deploymentEnvironment,
      'host.name': hostname(),
    }),
    // Synchronous detectors only (OTEL_RESOURCE_ATTRIBUTES, process): the host detector resolves
    // host.id asynchronously, and the Prometheus reader serialises the resource before it settles.
    resourceDetectors: [envDetector, processDetector],
    serviceName: options.serviceName,
    spanProcessors,
    metricReaders,
    // Logs stay with pino (JSON lines carrying trace_id/span_id); without this the SDK would build
    // an OTLP log exporter from the environment and push to localhost:4318.
    logRecordProcessors: [],
    // W3C trace-context only. Baggage is not propagated: a client's baggage would otherwise be
    // forwarded verbatim to every model provider and tool the request calls.
    textMapPropagator: new W3CTraceContextPropagator(),
    // Every request is recorded, whatever a caller's `traceparent` sampled flag says: the trace
    // store is how operators and tenants review agent runs, and a client must not switch that off.
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler(), remoteParentNotSampled: new AlwaysOnSampler() }),
    instrumentations,
  });
  sdk.start();

  let stopping: Promise<void> | undefined;
  const telemetry: Telemetry = {
    options,
    spanStore,
    prometheus,
    async forceFlush() {
      await Promise.all([
        ...spanProcessors.map((processor) => processor.forceFlush()),
        ...metricReaders.map((reader) => reader.forceFlush()),
      ]);
    },
    shutdown() {
      stopping ??= sdk.shutdown().finally(() => {
        // Unregister the global providers too, so that a later startTelemetry in the same process
        // (tests, an embedding host restarting the API) installs fresh ones instead of being refused.
        for (const instrumentation of instrumentations) instrumentation.disable();
        trace.disable();
        metrics.disable();
        logs.disable();
        propagation.disable();
        context.disable();
        delete (globalThis as Slot)[TELEMETRY_SLOT];
      });
      return stopping;
    },
  };
  (globalThis as Slot)[TELEMETRY_SLOT] = telemetry;
  return telemetry;
}

/** The SDK's diagnostics as one-line JSON on stderr, the shape of the platform's log lines. */
function consoleDiagLogger(): DiagLogger {
  const write = (level: number, message: string, args: unknown[]) => {
    const detail = args.map((arg) => (arg instanceof Error ? arg.message : typeof arg === 'string' ? arg : JSON.stringify(arg)));
    process.stderr.write(`${JSON.stringify({ level, time: Date.now(), name: 'opentelemetry', msg: [message, ...detail].join(' ') })}\n`);
  };
  return {
    error: (message, ...args) => write(50, message, args),
    warn: (message, ...args) => write(40, message, args),
    info: (message, ...args) => write(30, message, args),
    debug: (message, ...args) => write(20, message, args),
    verbose: (message, ...args) => write(10, message, args),
  };
}
