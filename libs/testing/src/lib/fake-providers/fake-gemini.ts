import { sendJson, sendStream, type FakeDialect, type FakeExchange } from './fake-provider-server';
import { collectText, fakeEmbedding, finishReasonOf, replyText, textChunks, toolArgumentsObject, usageOf, type FakeFinishReason, type WireBody } from './fake-reply';

/**
 * The Gemini API (generativelanguage, v1beta): models/{m}:generateContent (JSON),
 * :streamGenerateContent?alt=sse (SSE `data:` lines, each a GenerateContentResponse),
 * :embedContent and :batchEmbedContents. Errors: `{error:{code, message, status, details}}`; a 429
 * carries a google.rpc.RetryInfo detail besides the Retry-After header.
 */
export const geminiDialect: FakeDialect = {
  async handle(exchange) {
    const match = /^\/(v1beta|v1)\/models\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/.exec(exchange.request.path);
    if (exchange.request.method !== 'POST' || !match) return false;
    const model = decodeURIComponent(match[2]);
    switch (match[3]) {
      case 'generateContent':
        return generate(exchange, model, false);
      case 'streamGenerateContent':
        return generate(exchange, model, true);
      case 'embedContent':
        return embedOne(exchange);
      default:
        return embedBatch(exchange);
    }
  },
  error(exchange, error) {
    if (error === 'context_overflow') {
      return geminiError(400, 'INVALID_ARGUMENT', 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).');
    }
    if (error === 'overloaded') return geminiError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
    if (error.body !== undefined) return { status: error.status, headers: error.headers ?? {}, body: JSON.stringify(error.body) };
    const retryDelay = exchange.reply.retryAfter !== undefined && /^\d+$/.test(String(exchange.reply.retryAfter)) ? `${exchange.reply.retryAfter}s` : undefined;
    return geminiError(error.status, error.type ?? defaultStatus(error.status), error.message ?? `fake error ${error.status}`, error.headers, retryDelay);
  },
};

function geminiError(code: number, status: string, message: string, headers: Record<string, string> = {}, retryDelay?: string) {
  const details = retryDelay ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }] : undefined;
  return { status: code, headers, body: JSON.stringify({ error: { code, message, status, ...(details ? { details } : {}) } }) };
}

function defaultStatus(status: number): string {
  switch (status) {
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
  }
}

const finishReasons: Record<FakeFinishReason, string> = { stop: 'STOP', length: 'MAX_TOKENS', tool_calls: 'STOP', content_filter: 'SAFETY' };

function lastUserText(body: WireBody): string {
  const contents: WireBody[] = Array.isArray(body?.contents) ? body.contents : [];
  const last = [...contents].reverse().find((c) => c?.role === 'user' || c?.role === undefined);
  return last ? collectText(last.parts).join(' ') : '';
}

async function generate({ request, reply, response, sequence }: FakeExchange, model: string, stream: boolean): Promise<boolean> {
  const body = request.body ?? {};
  const text = replyText(reply, lastUserText(body));
  const usage = usageOf(reply, [...collectText(body.systemInstruction), ...collectText(body.contents)].join(' '), text);
  const usageMetadata = { promptTokenCount: usage.inputTokens, candidatesTokenCount: usage.outputTokens, totalTokenCount: usage.inputTokens + usage.outputTokens };
  const functionCalls = (reply.toolCalls ?? []).map((call) => ({ functionCall: { ...(call.id ? { id: call.id } : {}), name: call.name, args: toolArgumentsObject(call) } }));
  const finishReason = finishReasons[finishReasonOf(reply)];
  const responseId = `fake-response-${sequence}`;
  const modelVersion = reply.model ?? model;

  if (!stream) {
    sendJson(response, 200, {
      candidates: [{ content: { role: 'model', parts: [...(text ? [{ text }] : []), ...functionCalls] }, finishReason, index: 0 }],
      usageMetadata,
      modelVersion,
      responseId,
    });
    return true;
  }
  const pieces = textChunks(reply, text);
  const chunks: unknown[] = pieces.map((piece) => ({
    candidates: [{ content: { role: 'model', parts: [{ text: piece }] }, index: 0 }],
    usageMetadata: { promptTokenCount: usage.inputTokens, totalTokenCount: usage.inputTokens },
    modelVersion,
    responseId,
  }));
  chunks.push({
    candidates: [{ content: { role: 'model', parts: functionCalls.length ? functionCalls : [{ text: '' }] }, finishReason, index: 0 }],
    usageMetadata,
    modelVersion,
    responseId,
  });
  await sendStream(
    response,
    reply,
    'text/event-stream',
    chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`),
  );
  return true;
}

function embedOne({ request, reply, response }: FakeExchange): boolean {
  const body = request.body ?? {};
  const text = collectText(body.content?.parts).join(' ');
  sendJson(response, 200, { embedding: { values: reply.embeddings?.[0] ?? fakeEmbedding(text, Number(body.outputDimensionality ?? 8)) } });
  return true;
}

function embedBatch({ request, reply, response }: FakeExchange): boolean {
  const requests: WireBody[] = Array.isArray(request.body?.requests) ? request.body.requests : [];
  const vectors =
    reply.embeddings ?? requests.map((r) => fakeEmbedding(collectText(r?.content?.parts).join(' '), Number(r?.outputDimensionality ?? 8)));
  sendJson(response, 200, { embeddings: vectors.map((values) => ({ values })) });
  return true;
}
