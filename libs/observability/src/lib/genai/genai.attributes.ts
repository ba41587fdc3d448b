/**
 * Attribute names of the OpenTelemetry GenAI semantic conventions (development status, the
 * "latest experimental" set: `gen_ai.provider.name`, not the older `gen_ai.system`), plus the
 * Strata attributes every GenAI span carries. Kept as literals here rather than imported from
 * `@opentelemetry/semantic-conventions/incubating`, whose names move between minor releases.
 */
export const GenAiAttr = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestTemperature: 'gen_ai.request.temperature',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTopP: 'gen_ai.request.top_p',
  requestEncodingFormats: 'gen_ai.request.encoding_formats',
  embeddingsDimensionCount: 'gen_ai.embeddings.dimension.count',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  conversationId: 'gen_ai.conversation.id',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  systemInstructions: 'gen_ai.system_instructions',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  toolDescription: 'gen_ai.tool.description',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  agentId: 'gen_ai.agent.id',
  agentName: 'gen_ai.agent.name',
  agentVersion: 'gen_ai.agent.version',
  agentDescription: 'gen_ai.agent.description',
  tokenType: 'gen_ai.token.type',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  errorType: 'error.type',
} as const;

/** Strata's own attributes (the same names `withSpan` in the kernel uses). */
export const StrataAttr = {
  tenantId: 'strata.tenant.id',
  actorType: 'strata.actor.type',
  actorId: 'strata.actor.id',
  onBehalfOfType: 'strata.on_behalf_of.type',
  onBehalfOfId: 'strata.on_behalf_of.id',
  purpose: 'strata.purpose',
  requestId: 'strata.request.id',
  runId: 'strata.run.id',
  /** True on a span whose content attributes were recorded (tenant opted in, redacted). */
  contentRecorded: 'strata.gen_ai.content_recorded',
} as const;

/** Well-known `gen_ai.operation.name` values used by this API. */
export type GenAiOperationName = 'chat' | 'embeddings' | 'execute_tool' | 'invoke_agent';

/** `gen_ai.tool.type`: function (code the agent calls), extension (runs at an external agent), datastore (retrieval). */
export type GenAiToolType = 'function' | 'extension' | 'datastore';
