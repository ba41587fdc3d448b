import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  type BedrockRuntimeClientConfig,
  type ContentBlock,
  type ConverseCommandInput,
  type ConverseStreamOutput,
  type Message,
  type StopReason,
  type Tool,
  type ToolChoice as BedrockToolChoice,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { AlternatingTurns } from './alternating-turns';
import { AttemptDeadline } from './attempt-deadline';
import { imageSource } from './image-source';
import { JSON_RESPONSE_TOOL, parseToolArguments } from './json-response-tool';
import type {
  ChatMessage,
  ChatRequest,
  ChatResponse,
  ChatStreamEvent,
  EmbeddingRequest,
  EmbeddingResponse,
  FinishReason,
  ModelProvider,
  ProviderEndpointConfig,
  Usage,
  WireFormat,
} from './model-provider';
import { ProviderError } from './provider-error';
import { toProviderError, type ProviderErrorDetails } from './provider-error-classifier';

type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

/**
 * Amazon Bedrock through `@aws-sdk/client-bedrock-runtime`: Converse and ConverseStream for chat
 * (tools, images as bytes, native `json_schema` output through `outputConfig.textFormat`;
 * `json_object` forces a `json_response` tool), InvokeModel for the Titan and Cohere embedding
 * models. Credentials: static AWS keys, or a Bedrock API key (bearer token). `baseUrl` overrides
 * the regional endpoint.
 */
export class BedrockProvider implements ModelProvider {
  readonly kind = 'bedrock' as const;
  private readonly client: BedrockRuntimeClient;

  constructor(private readonly config: ProviderEndpointConfig) {
    const { credentials } = config;
    const auth: Partial<BedrockRuntimeClientConfig> =
      credentials.type === 'aws'
        ? { credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken } }
        : credentials.type === 'api-key'
          ? { token: { token: credentials.apiKey }, authSchemePreference: ['httpBearerAuth'] }
          : {};
    if (credentials.type === 'none') throw new Error('a Bedrock endpoint needs AWS credentials or a Bedrock API key');
    this.client = new BedrockRuntimeClient({
      region: config.options?.region ?? 'us-east-1',
      ...(config.baseUrl ? { endpoint: config.baseUrl } : {}),
      ...auth,
      maxAttempts: 1, // the gateway retries
      // HTTP/1.1 with keep-alive instead of the client's default HTTP/2 handler: Converse,
      // ConverseStream and InvokeModel do not need HTTP/2 (only the bidirectional stream API does),
      // and it is the one transport that also reaches plain-http endpoints (proxies, the test fake).
      requestHandler: new NodeHttpHandler({
        httpAgent: new HttpAgent({ keepAlive: true }),
        httpsAgent: new HttpsAgent({ keepAlive: true }),
      }),
    });
    const extraHeaders = config.options?.headers;
    if (extraHeaders && Object.keys(extraHeaders).length) {
      this.client.middlewareStack.add(
        (next) => async (args) => {
          const request = args.request as { headers?: Record<string, string> };
          if (request.headers) Object.assign(request.headers, extraHeaders);
          return next(args);
        },
        { step: 'build', name: 'strataExtraHeaders' },
      );
    }
  }

  supportsPassthrough(_format: WireFormat): boolean {
    return false;
  }

  chat(request: ChatRequest): Promise<ChatResponse> {
    const jsonMode = request.responseFormat?.type === 'json_object';
    return AttemptDeadline.run(
      this.config.timeoutMs,
      request.signal,
      async (deadline) => {
        const output = await this.client.send(new ConverseCommand(converseInput(request)), { abortSignal: deadline.signal });
        let text = '';
        const toolCalls: ChatResponse['toolCalls'] = [];
        for (const block of output.output?.message?.content ?? []) {
          if (block.text !== undefined) text += block.text;
          else if (block.toolUse) {
            if (jsonMode && block.toolUse.name === JSON_RESPONSE_TOOL) text += JSON.stringify(block.toolUse.input ?? {});
            else toolCalls.push({ id: block.toolUse.toolUseId ?? '', name: block.toolUse.name ?? '', arguments: JSON.stringify(block.toolUse.input ?? {}) });
          }
        }
        return {
          id: output.$metadata.requestId ?? '',
          model: request.model,
          text,
          toolCalls,
          finishReason: finishReason(output.stopReason, jsonMode),
          usage: usageOf(output.usage),
        };
      },
      (error, deadline) => this.failure(error, deadline),
    );
  }

  streamChat(request: ChatRequest): AsyncIterable<ChatStreamEvent> {
    return AttemptDeadline.stream(this.config.timeoutMs, request.signal, (deadline) => this.streamChatEvents(request, deadline), (error, deadline) => this.failure(error, deadline));
  }

  /** Titan embedding models take one text per call; Cohere's take a batch. Neither reports usage for Cohere, so it is estimated (4 characters a token). */
  embed(request: EmbeddingRequest): Promise<EmbeddingResponse> {
    return AttemptDeadline.run(
      this.config.timeoutMs,
      request.signal,
      async (deadline) => {
        if (request.model.startsWith('amazon.titan-embed')) {
          const results = await Promise.all(
            request.input.map(async (text) => {
              const body = { inputText: text, ...(request.dimensions !== undefined ? { dimensions: request.dimensions } : {}) };
              const answer = await this.invoke(request.model, body, deadline);
              return { embedding: answer.embedding as number[], tokens: Number(answer.inputTextTokenCount ?? 0) };
            }),
          );
          return { model: request.model, embeddings: results.map((r) => r.embedding), usage: { inputTokens: results.reduce((n, r) => n + r.tokens, 0) } };
        }
        if (request.model.startsWith('cohere.embed')) {
          const answer = await this.invoke(request.model, { texts: request.input, input_type: 'search_document', embedding_types: ['float'] }, deadline);
          const embeddings = Array.isArray(answer.embeddings) ? (answer.embeddings as number[][]) : (answer.embeddings as { float: number[][] }).float;
          return { model: request.model, embeddings, usage: { inputTokens: request.input.reduce((n, text) => n + Math.ceil(text.length / 4), 0) } };
        }
        throw new ProviderError('invalid_request', 'bedrock: embeddings are supported for amazon.titan-embed* and cohere.embed* models');
      },
      (error, deadline) => this.failure(error, deadline),
    );
  }

  private async invoke(modelId: string, body: unknown, deadline: AttemptDeadline): Promise<Record<string, unknown>> {
    const output = await this.client.send(
      new InvokeModelCommand({ modelId, contentType: 'application/json', accept: 'application/json', body: new TextEncoder().encode(JSON.stringify(body)) }),
      { abortSignal: deadline.signal },
    );
    return JSON.parse(new TextDecoder().decode(output.body)) as Record<string, unknown>;
  }

  private async *streamChatEvents(request: ChatRequest, deadline: AttemptDeadline): AsyncIterable<ChatStreamEvent> {
    const jsonMode = request.responseFormat?.type === 'json_object';
    const output = await this.client.send(new ConverseStreamCommand(converseInput(request)), { abortSignal: deadline.signal });
    yield { type: 'start', id: output.$metadata.requestId ?? '', model: request.model };
    let usage: Usage = { inputTokens: 0, outputTokens: 0 };
    let stop: StopReason | string | undefined;
    const toolIndexByBlock = new Map<number, number>();
    let jsonBlock = -1;
    for await (const event of (output.stream ?? []) as AsyncIterable<ConverseStreamOutput>) {
      deadline.touch();
      if (event.contentBlockStart?.start?.toolUse) {
        const block = event.contentBlockStart.contentBlockIndex ?? 0;
        const tool = event.contentBlockStart.start.toolUse;
        if (jsonMode && tool.name === JSON_RESPONSE_TOOL) jsonBlock = block;
        else {
          const index = toolIndexByBlock.size;
          toolIndexByBlock.set(block, index);
          yield { type: 'tool-call-delta', index, id: tool.toolUseId, name: tool.name, argumentsDelta: '' };
        }
      } else if (event.contentBlockDelta?.delta) {
        const block = event.contentBlockDelta.contentBlockIndex ?? 0;
        const delta = event.contentBlockDelta.delta;
        if (delta.text !== undefined) yield { type: 'text-delta', text: delta.text };
        else if (delta.toolUse?.input !== undefined) {
          if (block === jsonBlock) yield { type: 'text-delta', text: delta.toolUse.input };
          else {
            const index = toolIndexByBlock.get(block);
            if (index !== undefined) yield { type: 'tool-call-delta', index, argumentsDelta: delta.toolUse.input };
          }
        }
      } else if (event.messageStop) stop = event.messageStop.stopReason;
      else if (event.metadata?.usage) usage = usageOf(event.metadata.usage);
      else {
        const streamError = event.internalServerException ?? event.serviceUnavailableException ?? event.throttlingException ?? event.validationException ?? event.modelStreamErrorException;
        if (streamError) throw streamError;
      }
    }
    // Some SDKs end a stream quietly when its signal aborts; an aborted attempt must not look complete.
    deadline.signal.throwIfAborted();
    yield { type: 'finish', finishReason: finishReason(stop, jsonMode), usage };
  }

  private failure(error: unknown, deadline: AttemptDeadline): unknown {
    return toProviderError('bedrock', error, deadline, describeBedrockError);
  }
}

export function describeBedrockError(error: unknown): ProviderErrorDetails | 'network' | 'timeout' | undefined {
  if (!(error instanceof Error)) return undefined;
  const service = error as Error & { $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> }; $fault?: string };
  if (error.name === 'TimeoutError' || error.name === 'RequestTimeout') return 'timeout';
  // Only service exceptions carry $fault; a failed read of a 200 stream (connection reset) has metadata but no fault.
  if (service.$fault === undefined) return undefined;
  return {
    status: service.$metadata?.httpStatusCode,
    type: error.name,
    providerMessage: error.message,
    headers: service.$response?.headers,
  };
}

function converseInput(request: ChatRequest): ConverseCommandInput {
  const format = request.responseFormat;
  const jsonMode = format?.type === 'json_object';
  if (jsonMode && request.tools?.length) throw new ProviderError('invalid_request', 'bedrock: json_object output cannot be combined with tools (use json_schema)');
  const system = request.messages.flatMap((m) => (m.role === 'system' ? [{ text: m.content }] : []));
  const messages = toBedrockMessages(request.messages);
  const tools: Tool[] = (request.tools ?? []).map((tool) => ({
    toolSpec: {
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      inputSchema: { json: tool.parameters as never },
      ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
    },
  }));
  if (jsonMode) tools.push({ toolSpec: { name: JSON_RESPONSE_TOOL, description: 'Answer with the JSON object.', inputSchema: { json: { type: 'object' } as never } } });
  const historyHasTools = messages.some((m) => m.content?.some((block) => block.toolUse || block.toolResult));
  let toolConfig: ConverseCommandInput['toolConfig'];
  if (tools.length) {
    const choice: BedrockToolChoice | undefined = jsonMode ? { tool: { name: JSON_RESPONSE_TOOL } } : toolChoice(request.toolChoice);
    // Converse has no "none" choice: leave the tools out, unless the history holds tool blocks (which need the tool config).
    if (request.toolChoice !== 'none' || historyHasTools) toolConfig = { tools, ...(choice ? { toolChoice: choice } : {}) };
  }
  const inference = {
    ...(request.maxOutputTokens !== undefined ? { maxTokens: request.maxOutputTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.topP !== undefined ? { topP: request.topP } : {}),
    ...(request.stop?.length ? { stopSequences: request.stop } : {}),
  };
  return {
    modelId: request.model,
    messages,
    ...(system.length ? { system } : {}),
    ...(Object.keys(inference).length ? { inferenceConfig: inference } : {}),
    ...(toolConfig ? { toolConfig } : {}),
    ...(format?.type === 'json_schema'
      ? {
          outputConfig: {
            textFormat: {
              type: 'json_schema',
              structure: { jsonSchema: { schema: JSON.stringify(format.schema), name: format.name, ...(format.description ? { description: format.description } : {}) } },
            },
          },
        }
      : {}),
  };
}

function toolChoice(choice: ChatRequest['toolChoice']): BedrockToolChoice | undefined {
  if (choice === undefined || choice === 'none') return undefined;
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  return { tool: { name: choice.name } };
}

function imageFormat(mediaType: string): ImageFormat {
  const format = mediaType.replace(/^image\//, '').replace('jpg', 'jpeg');
  if (format === 'png' || format === 'jpeg' || format === 'gif' || format === 'webp') return format;
  throw new ProviderError('invalid_request', `bedrock: image type ${mediaType.slice(0, 40)} is not supported (png, jpeg, gif, webp)`);
}

/** Converse wants alternating turns, tool results as user content, images as bytes. */
function toBedrockMessages(messages: ChatMessage[]): Message[] {
  const turns = new AlternatingTurns<'user' | 'assistant', ContentBlock>();
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        break;
      case 'user':
        turns.push(
          'user',
          typeof message.content === 'string'
            ? [{ text: message.content }]
            : message.content.map((part): ContentBlock => {
                if (part.type === 'text') return { text: part.text };
                const source = imageSource(part);
                if (source.kind === 'url') throw new ProviderError('invalid_request', 'bedrock: images must be sent as bytes (base64), not as URLs');
                return { image: { format: imageFormat(source.mediaType), source: { bytes: Buffer.from(source.data, 'base64') } } };
              }),
        );
        break;
      case 'assistant':
        turns.push('assistant', [
          ...(message.content ? [{ text: message.content }] : []),
          ...(message.toolCalls ?? []).map((call) => ({ toolUse: { toolUseId: call.id, name: call.name, input: parseToolArguments('bedrock', call.arguments) as never } })),
        ]);
        break;
      case 'tool':
        turns.push('user', [{ toolResult: { toolUseId: message.toolCallId, content: [{ text: message.content }] } }]);
        break;
    }
  }
  return turns.map((role, content) => ({ role, content }));
}

function finishReason(reason: StopReason | string | undefined, jsonMode: boolean): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return jsonMode ? 'stop' : 'tool_calls';
    case 'content_filtered':
    case 'guardrail_intervened':
      return 'content_filter';
    default:
      return 'other';
  }
}

/** Converse counts cache reads and writes apart from `inputTokens`; our input count includes them. */
function usageOf(usage: { inputTokens?: number; outputTokens?: number; cacheReadInputTokens?: number; cacheWriteInputTokens?: number } | undefined): Usage {
  return {
    inputTokens: (usage?.inputTokens ?? 0) + (usage?.cacheReadInputTokens ?? 0) + (usage?.cacheWriteInputTokens ?? 0),
    outputTokens: usage?.outputTokens ?? 0,
    ...(usage?.cacheReadInputTokens ? { cachedInputTokens: usage.cacheReadInputTokens } : {}),
  };
}
