import type { Provider } from '@nestjs/common';
import { PostgresSpanSink } from './postgres-span-sink';
import { TraceRetention } from './trace-retention';
import { TraceStoreAttachment } from './trace-store-attachment';

/**
 * The trace store's providers. The module that uses them also provides `TRACE_STORE_OPTIONS`
 * (`traceStoreOptionsFromConfig(config)`), `POSTGRES_SPAN_PROCESSOR` (the processor registered
 * with the TracerProvider), `CLOCK` and `PrismaService`.
 */
export const TRACE_STORE_PROVIDERS: Provider[] = [PostgresSpanSink, TraceRetention, TraceStoreAttachment];
