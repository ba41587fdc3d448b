/**
 * The telemetry half of the observability layer's public API (SDK setup, GenAI spans, metrics),
 * re-exported by `src/index.ts` as one line so that the module and index stay the lead's files.
 */
export { getTelemetry, startTelemetry, OTLP_SPAN_BATCH_LIMITS, type StartTelemetryOverrides, type Telemetry } from './telemetry';
export { parseOtlpHeaders, telemetryOptionsFromConfig, type OtlpOptions, type TelemetryOptions } from './telemetry-options';
export { createMetricsHandler } from './metrics-endpoint';
export { traceLogFields, type TraceLogFields } from './trace-log-fields';
export { isUntracedRequest, platformInstrumentations, UNTRACED_PATHS } from './instrumentations';
export { nameHttpServerRoute } from './http-server-route';
export { INSTRUMENTED_ESM_MODULES } from './esm-hook-modules';
export {
  CONTENT_ATTRIBUTE_MAX_CHARS,
  GenAiTelemetry,
  requestContextAttributes,
  type AgentInvocation,
  type AgentSpan,
  type GenAiMessage,
  type GenAiMessagePart,
  type GenAiSpan,
  type GenAiTelemetryOptions,
  type ModelCall,
  type ModelResponse,
  type ModelSpan,
  type ToolCall,
  type ToolSpan,
} from '../genai/genai-telemetry';
export { CONTENT_POLICY, NEVER_RECORD_CONTENT, type ContentPolicy } from '../genai/content-policy';
export { GenAiAttr, StrataAttr, type GenAiOperationName, type GenAiToolType } from '../genai/genai.attributes';
export { GENAI_METER_NAME, GenAiMetrics, OPERATION_DURATION_BUCKETS, TOKEN_USAGE_BUCKETS } from '../metrics/genai-metrics';
