export { ModelGatewayModule } from './lib/model-gateway.module';
export { ModelGatewayError } from './lib/model-gateway.errors';
// The facade other layers call (catalog, routing, resilience, credentials: gateway core).
export { ModelGateway } from './lib/gateway/model-gateway.service';
export { BUDGET_GATE, USAGE_RECORDER, GUARDRAIL_PIPELINE } from './lib/gateway/gateway.contract';
export type * from './lib/gateway/gateway.contract';
export { ModelKeyRing } from './lib/credentials/model-key-ring';
export { LOCAL_EMBEDDING_MODEL, EMBEDDING_DEFAULT_ALIAS } from './lib/catalog/built-in-catalog';
export type { ModelProviderDto, CatalogModelDto, ModelAliasDto } from './lib/catalog/catalog.dto';
export type { GatewaySettingsDto } from './lib/settings/gateway-settings.schemas';
export type { PlaygroundResponse } from './lib/playground/playground.controller';
export { createModelProvider } from './lib/providers/provider-factory';
export { ProviderError, type ProviderFailure } from './lib/providers/provider-error';
export type * from './lib/providers/model-provider';
export { HashingEmbeddingModel, LOCAL_EMBEDDING_DIMENSIONS, LOCAL_EMBEDDING_MODEL_ID } from './lib/local-embeddings/hashing-embedding-model';
export { LocalEmbeddingProvider } from './lib/local-embeddings/local-embedding-provider';
// Budgets, usage accounting, guardrails (stages of the gateway; tokens BUDGET_GATE, USAGE_RECORDER, GUARDRAIL_PIPELINE).
export { LeasedBudgetGate, BUDGET_GATE_OPTIONS, type BudgetGateOptions } from './lib/budgets/leased-budget-gate';
export { BudgetExceededError, BudgetUnavailableError, type BudgetExceededDetails } from './lib/budgets/budgets.errors';
export { BatchedUsageRecorder, USAGE_RECORDER_OPTIONS, type UsageRecorderOptions } from './lib/usage/batched-usage-recorder';
export { TenantGuardrailPipeline, GUARDRAIL_PIPELINE_OPTIONS } from './lib/guardrails/tenant-guardrail-pipeline';
export { GuardrailBlockedError } from './lib/guardrails/guardrails.errors';
// The /v1 lane in front of Nest (the API app attaches it to its HTTP server).
export { V1ApiLane, type V1LaneRoute } from './lib/openai-api/v1-api-lane';
