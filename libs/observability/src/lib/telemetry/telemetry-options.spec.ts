import { InvalidConfigError, loadConfig } from '@strata/kernel';
import { describe, expect, it } from 'vitest';
import { parseOtlpHeaders, telemetryOptionsFromConfig } from './telemetry-options';

describe('telemetryOptionsFromConfig', () => {
  it('is on by default, exports nowhere, and names the service strata', () => {
    const options = telemetryOptionsFromConfig(loadConfig({}), '1.2.3');
    expect(options).toMatchObject({
      enabled: true,
      serviceName: 'strata',
      serviceVersion: '1.2.3',
      deploymentEnvironment: 'development',
      otlp: { headers: {}, protocol: 'http/protobuf', metricExportIntervalMs: 60_000 },
    });
    expect(options.otlp.tracesUrl).toBeUndefined();
    expect(options.otlp.metricsUrl).toBeUndefined();
  });

  it('appends the signal paths to the base endpoint (Collector, Jaeger)', () => {
    const options = telemetryOptionsFromConfig(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }), '1');
    expect(options.otlp.tracesUrl).toBe('http://collector:4318/v1/traces');
    expect(options.otlp.metricsUrl).toBe('http://collector:4318/v1/metrics');
  });

  it('uses a signal URL as is, so Langfuse gets traces and no metrics', () => {
    const options = telemetryOptionsFromConfig(
      loadConfig({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://langfuse.example.com/api/public/otel/v1/traces',
        OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20cGs6c2s=,x-langfuse-ingestion-version=4',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        STRATA_DEPLOYMENT_ENVIRONMENT: 'eu-prod',
        OTEL_SERVICE_NAME: 'strata-eu',
        STRATA_TELEMETRY: 'off',
      }),
      '1',
    );
    expect(options.otlp.tracesUrl).toBe('https://langfuse.example.com/api/public/otel/v1/traces');
    expect(options.otlp.metricsUrl).toBeUndefined();
    expect(options.otlp.headers).toEqual({ Authorization: 'Basic cGs6c2s=', 'x-langfuse-ingestion-version': '4' });
    expect(options).toMatchObject({ enabled: false, serviceName: 'strata-eu', deploymentEnvironment: 'eu-prod', otlp: { protocol: 'http/json' } });
  });

  it('rejects malformed telemetry variables at start without echoing secrets', () => {
    let error: InvalidConfigError | undefined;
    try {
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317?token=hunter2',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key hunter2',
        STRATA_TELEMETRY: 'maybe',
        STRATA_METRICS_TOKEN: 'short',
      });
    } catch (caught) {
      error = caught as InvalidConfigError;
    }
    expect(error?.issues.map((issue) => issue.variable).sort()).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_HEADERS',
      'STRATA_METRICS_TOKEN',
      'STRATA_TELEMETRY',
    ]);
    expect(error?.message).not.toContain('hunter2');
  });
});

describe('parseOtlpHeaders', () => {
  it('parses the spec format: trims, percent-decodes values, keeps = in values and the case of keys', () => {
    expect(parseOtlpHeaders(' Api-Key = abc%2Cdef , x-token=a=b=,bad')).toEqual({ 'Api-Key': 'abc,def', 'x-token': 'a=b=' });
    expect(parseOtlpHeaders('k=100%')).toEqual({ k: '100%' });
    expect(parseOtlpHeaders(undefined)).toEqual({});
  });
});
