import { EventStreamCodec } from '@smithy/core/event-streams';
import { sendJson, sendStream, type FakeDialect, type FakeExchange } from './fake-provider-server';
import { collectText, fakeEmbedding, finishReasonOf, replyText, textChunks, toolArgumentsObject, toolArgumentsText, usageOf, type FakeFinishReason, type WireBody } from './fake-reply';

/**
 * Amazon Bedrock Runtime: POST /model/{id}/converse (JSON), /model/{id}/converse-stream
 * (application/vnd.amazon.eventstream binary frames, encoded with the codec the AWS SDK decodes
 * with), /model/{id}/invoke for Titan and Cohere embedding models. Errors: a JSON `{message}` with
 * the error shape in `x-amzn-errortype`. Request signatures are not verified.
 */
export const bedrockDialect: FakeDialect = {
  async handle(exchange) {
    const match = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/.exec(exchange.request.path);
    if (exchange.request.method !== 'POST' || !match) return false;
    const modelId = decodeURIComponent(match[1]);
    if (match[2] === 'converse') return converse(exchange, modelId);
    if (match[2] === 'converse-stream') return converseStream(exchange, modelId);
    return invoke(exchange, modelId);
  },
  error(_exchange, error) {
    if (error === 'context_overflow') return bedrockError(400, 'ValidationException', 'Input is too long for requested model.');
    if (error === 'overloaded') return bedrockError(503, 'ServiceUnavailableException', 'Bedrock is unable to process your request.');
    if (error.body !== undefined) return { status: error.status, headers: error.headers ?? {}, body: JSON.stringify(error.body) };
    return bedrockError(error.status, error.type ?? defaultType(error.status), error.message ?? `fake error ${error.status}`, error.headers);
  },
};

function bedrockError(status: number, type: string, message: string, headers: Record<string, string> = {}) {
  return {
    status,
    headers: { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, 'x-amzn-requestid': `fake-${status}`, ...headers },
    body: JSON.stringify({ message }),
  };
}

function defaultType(status: number): string {
  switch (status) {
    case 401:
    case 403:
      return 'AccessDeniedException';
    case 404:
      return 'ResourceNotFoundException';
    case 408:
      return 'ModelTimeoutException';
    case 429:
      return 'ThrottlingException';
    case 503:
      return 'ServiceUnavailableException';
    default:
      return status >= 500 ? 'InternalServerException' : 'ValidationException';
  }
}

const stopReasons: Record<FakeFinishReason, string> = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use', content_filter: 'content_filtered' };

function lastUserText(body: WireBody): string {
  const messages: WireBody[] = Array.isArray(body?.messages) ? body.messages : [];
  const last = [...messages].reverse().find((m) => m?.role === 'user');
  return last ? collectText(last.content).join(' ') : '';
}

function answerOf({ request, reply, sequence }: FakeExchange) {
  const body = request.body ?? {};
  const text = replyText(reply, lastUserText(body));
  const usage = usageOf(reply, [...collectText(body.system), ...collectText(body.messages)].join(' '), text);
  const toolCalls = (reply.toolCalls ?? []).map((call, i) => ({ toolUseId: call.id ?? `tooluse_fake_${sequence}_${i}`, call }));
  return { text, usage, toolCalls, stopReason: stopReasons[finishReasonOf(reply)] };
}

function converse(exchange: FakeExchange, _modelId: string): boolean {
  const { text, usage, toolCalls, stopReason } = answerOf(exchange);
  sendJson(
    exchange.response,
    200,
    {
      output: {
        message: {
          role: 'assistant',
          content: [...(text ? [{ text }] : []), ...toolCalls.map((t) => ({ toolUse: { toolUseId: t.toolUseId, name: t.call.name, input: toolArgumentsObject(t.call) } }))],
        },
      },
      stopReason,
      usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: usage.inputTokens + usage.outputTokens },
      metrics: { latencyMs: 1 },
    },
    { 'x-amzn-requestid': `fake-request-${exchange.sequence}` },
  );
  return true;
}

const codec = new EventStreamCodec(
  (bytes) => new TextDecoder().decode(bytes),
  (text) => new TextEncoder().encode(text),
);

function frame(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: new TextEncoder().encode(JSON.stringify(payload)),
  });
}

async function converseStream(exchange: FakeExchange, _modelId: string): Promise<boolean> {
  const { text, usage, toolCalls, stopReason } = answerOf(exchange);
  const frames: Uint8Array[] = [frame('messageStart', { role: 'assistant' })];
  let index = 0;
  if (text) {
    for (const piece of textChunks(exchange.reply, text)) frames.push(frame('contentBlockDelta', { contentBlockIndex: index, delta: { text: piece } }));
    frames.push(frame('contentBlockStop', { contentBlockIndex: index }));
    index++;
  }
  for (const tool of toolCalls) {
    frames.push(frame('contentBlockStart', { contentBlockIndex: index, start: { toolUse: { toolUseId: tool.toolUseId, name: tool.call.name } } }));
    const json = toolArgumentsText(tool.call);
    const half = Math.ceil(json.length / 2);
    for (const part of [json.slice(0, half), json.slice(half)].filter(Boolean)) {
      frames.push(frame('contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input: part } } }));
    }
    frames.push(frame('contentBlockStop', { contentBlockIndex: index }));
    index++;
  }
  frames.push(frame('messageStop', { stopReason }));
  frames.push(
    frame('metadata', {
      usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: usage.inputTokens + usage.outputTokens },
      metrics: { latencyMs: 1 },
    }),
  );
  await sendStream(exchange.response, exchange.reply, 'application/vnd.amazon.eventstream', frames, {
    'x-amzn-requestid': `fake-request-${exchange.sequence}`,
  });
  return true;
}

/** Embedding models through InvokeModel: Titan takes one `inputText`, Cohere a batch of `texts`. */
function invoke({ request, reply, response }: FakeExchange, modelId: string): boolean {
  const body = request.body ?? {};
  if (modelId.startsWith('amazon.titan-embed')) {
    const text = String(body.inputText ?? '');
    const embedding = reply.embeddings?.[0] ?? fakeEmbedding(text, Number(body.dimensions ?? 8));
    sendJson(response, 200, { embedding, inputTextTokenCount: reply.usage?.inputTokens ?? Math.max(1, text.split(/\s+/).filter(Boolean).length) });
    return true;
  }
  if (modelId.startsWith('cohere.embed')) {
    const texts: string[] = Array.isArray(body.texts) ? body.texts.map(String) : [];
    const vectors = reply.embeddings ?? texts.map((text) => fakeEmbedding(text, 8));
    const byType = Array.isArray(body.embedding_types);
    sendJson(response, 200, {
      id: 'fake-embed',
      texts,
      response_type: byType ? 'embeddings_by_type' : 'embeddings_floats',
      embeddings: byType ? { float: vectors } : vectors,
    });
    return true;
  }
  sendJson(response, 400, { message: `The fake does not serve ${modelId} through InvokeModel.` }, { 'x-amzn-errortype': 'ValidationException' });
  return true;
}
