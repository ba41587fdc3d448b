import type { StrataConfig } from '@strata/kernel';

/** Where and how spans and metrics leave the process over OTLP/HTTP. */
export interface OtlpOptions {
  /** Full traces URL; unset: spans go only to the trace store. */
  tracesUrl?: string;
  /** Full metrics URL; unset: metrics are only served at /metrics. */
  metricsUrl?: string;
  /** Sent with every OTLP request (API keys of Langfuse, Honeycomb, a Collector's auth extension…). */
  headers: Readonly<Record<string, string>>;
  protocol: 'http/protobuf' | 'http/json';
  /** Push interval of the OTLP metric reader. */
  metricExportIntervalMs: number;
}

/** Everything {@link startTelemetry} needs, derived from the validated environment. */
export interface TelemetryOptions {
  enabled: boolean;
  serviceName: string;
  serviceVersion: string;
  deploymentEnvironment: string;
  otlp: OtlpOptions;
}

/**
 * Builds the telemetry options from the platform's config. Endpoint resolution follows the OTLP
 * exporter spec: a signal-specific URL is used as is; the base URL gets `/v1/traces` or
 * `/v1/metrics` appended (so Langfuse, which takes traces only, is configured with the traces URL
 * alone and metrics are not pushed at it).
 */
export function telemetryOptionsFromConfig(config: StrataConfig, serviceVersion: string): TelemetryOptions {
  const base = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  return {
    enabled: config.STRATA_TELEMETRY === 'on',
    serviceName: config.OTEL_SERVICE_NAME,
    serviceVersion,
    deploymentEnvironment: config.STRATA_DEPLOYMENT_ENVIRONMENT ?? config.NODE_ENV,
    otlp: {
      tracesUrl: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? signalUrl(base, 'traces') : undefined),
      metricsUrl: config.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT ?? (base ? signalUrl(base, 'metrics') : undefined),
      headers: parseOtlpHeaders(config.OTEL_EXPORTER_OTLP_HEADERS),
      protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL,
      metricExportIntervalMs: config.OTEL_METRIC_EXPORT_INTERVAL,
    },
  };
}

function signalUrl(base: string, signal: 'traces' | 'metrics'): string {
  return `${base.replace(/\/+$/, '')}/v1/${signal}`;
}

/**
 * Parses `OTEL_EXPORTER_OTLP_HEADERS` (`key=value,key2=value2`, values percent-encoded, as the
 * OpenTelemetry spec defines it; `Authorization=Basic%20abc…` for Langfuse). Keys keep their case:
 * the OTLP exporters also read this variable themselves and merge it under ours by key, so a
 * lower-cased copy would make them send the header twice. The config schema has already rejected
 * malformed lists.
 */
export function parseOtlpHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!value) return headers;
  for (const pair of value.split(',')) {
    const separator = pair.indexOf('=');
    if (separator <= 0) continue;
    const key = pair.slice(0, separator).trim();
    const raw = pair.slice(separator + 1).trim();
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      // A stray '%' that is not an escape: the spec says to take the value as written.
      decoded = raw;
    }
    if (key) headers[key] = decoded;
  }
  return headers;
}
