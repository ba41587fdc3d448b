/** The trace store's part of the layer's public API, re-exported by `src/index.ts` in one line. */
export { PostgresSpanProcessor, DROP_REASONS, TRACE_STORE_METRICS, type DropReason, type PostgresSpanProcessorOptions, type SpanSink } from './postgres-span-processor';
export { PostgresSpanSink } from './postgres-span-sink';
export { toSpanRow, SPAN_ATTRIBUTES, SPAN_ROW_LIMITS, type SpanRow } from './span-row';
export { TraceRetention, type RetentionRun } from './trace-retention';
export { TraceStoreAttachment, POSTGRES_SPAN_PROCESSOR } from './trace-store-attachment';
export {
  TRACE_STORE_DEFAULTS,
  TRACE_STORE_LIMITS,
  TRACE_STORE_OPTIONS,
  traceStoreOptionsFromConfig,
  validateTraceStoreOptions,
  type TraceStoreOptions,
} from './trace-store-options';
export { TRACE_STORE_PROVIDERS } from './trace-store.providers';
export { InvalidTraceStoreOptionsError } from './trace-store.errors';
