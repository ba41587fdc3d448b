import { Module, type DynamicModule } from '@nestjs/common';
import type { StrataConfig } from '@strata/kernel';
import { DATA_ACCESS_CONTROLLERS, DATA_ACCESS_PROVIDERS } from './data-access/data-access.providers';
import { DataAccessLog } from './data-access/data-access-log.service';
import { CONTENT_POLICY, type ContentPolicy } from './genai/content-policy';
import { GenAiTelemetry } from './genai/genai-telemetry';
import { getTelemetry } from './telemetry/telemetry';
import { TRACE_API_CONTROLLERS, TRACE_API_PROVIDERS } from './trace-api/trace-api.providers';
import { POSTGRES_SPAN_PROCESSOR } from './trace-store/trace-store-attachment';
import { TRACE_STORE_OPTIONS, traceStoreOptionsFromConfig } from './trace-store/trace-store-options';
import { TRACE_STORE_PROVIDERS } from './trace-store/trace-store.providers';
import { PostgresSpanSink } from './trace-store/postgres-span-sink';

/**
 * Wiring of the observability layer. The OpenTelemetry SDK itself starts before Nest (the API's
 * `telemetry.js` preload); this module attaches the database sink to its span processor, serves
 * the trace and data-access APIs, and gives other layers `GenAiTelemetry` and `DataAccessLog`.
 * Authorization comes through the OBSERVABILITY_ACCESS port, which governance provides.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(config: StrataConfig): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      controllers: [...TRACE_API_CONTROLLERS, ...DATA_ACCESS_CONTROLLERS],
      providers: [
        { provide: TRACE_STORE_OPTIONS, useValue: traceStoreOptionsFromConfig(config) },
        // Undefined when telemetry is off: nothing is traced, so nothing is stored.
        { provide: POSTGRES_SPAN_PROCESSOR, useFactory: () => getTelemetry()?.spanStore },
        {
          provide: GenAiTelemetry,
          // Built at module init, after the SDK started, so it gets the real meter and tracer.
          useFactory: (contentPolicy?: ContentPolicy) => new GenAiTelemetry({ contentPolicy }),
          inject: [{ token: CONTENT_POLICY, optional: true }],
        },
        ...TRACE_STORE_PROVIDERS,
        ...TRACE_API_PROVIDERS,
        ...DATA_ACCESS_PROVIDERS,
      ],
      exports: [GenAiTelemetry, DataAccessLog, PostgresSpanSink],
    };
  }
}
