import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { PostgresSpanProcessor } from './postgres-span-processor';
import { PostgresSpanSink } from './postgres-span-sink';

/**
 * Injection token of the one {@link PostgresSpanProcessor} of the process: the instance registered
 * with the SDK's TracerProvider (the telemetry setup creates it before the database opens), or
 * undefined when telemetry is off (then nothing is stored).
 */
export const POSTGRES_SPAN_PROCESSOR = Symbol.for('strata.observability.PostgresSpanProcessor');

/**
 * Connects the span processor to the database for the application's lifetime: attaches the
 * PostgreSQL sink once every module is initialised (the database is open and migrated), and at
 * shutdown writes what is queued and detaches before the pool closes (DatabaseModule disconnects
 * after every onModuleDestroy). Spans ended after that queue, bounded, for a later attach or are
 * counted as dropped by the processor's shutdown.
 */
@Injectable()
export class TraceStoreAttachment implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Optional() @Inject(POSTGRES_SPAN_PROCESSOR) private readonly processor: PostgresSpanProcessor | undefined,
    private readonly sink: PostgresSpanSink,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.processor) return;
    this.processor.registerMetrics(metrics.getMeterProvider());
    this.processor.attach(this.sink);
  }

  async onModuleDestroy(): Promise<void> {
    await this.processor?.detach();
  }
}
