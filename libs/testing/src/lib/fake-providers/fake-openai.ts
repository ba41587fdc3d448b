import { sendJson, sendStream, type FakeDialect, type FakeExchange } from './fake-provider-server';
import { collectText, fakeEmbedding, finishReasonOf, replyText, textChunks, toolArgumentsText, usageOf, type WireBody } from './fake-reply';

/**
 * OpenAI's wire format: /v1/chat/completions (JSON, or SSE `data:` lines ending with `data: [DONE]`),
 * /v1/embeddings, /v1/models. Routes match on the path's end, so Azure's
 * `/openai/deployments/{d}/chat/completions?api-version=…` and other OpenAI-compatible prefixes work too.
 */
export const openAiDialect: FakeDialect = {
  async handle(exchange) {
    const { request } = exchange;
    if (request.method === 'POST' && request.path.endsWith('/chat/completions')) return chatCompletion(exchange);
    if (request.method === 'POST' && request.path.endsWith('/embeddings')) return embeddings(exchange);
    if (request.method === 'GET' && request.path.endsWith('/models')) {
      sendJson(exchange.response, 200, {
        object: 'list',
        data: ['gpt-fake-mini', 'gpt-fake-large', 'text-embedding-fake'].map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake' })),
      });
      return true;
    }
    return false;
  },
  error(_exchange, error) {
    if (error === 'context_overflow') {
      return openAiError(400, {
        message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      });
    }
    if (error === 'overloaded') return openAiError(503, { message: 'The engine is currently overloaded.', type: 'server_error', param: null, code: null });
    if (error.body !== undefined) return { status: error.status, headers: error.headers ?? {}, body: JSON.stringify(error.body) };
    return openAiError(
      error.status,
      { message: error.message ?? `fake error ${error.status}`, type: error.type ?? defaultType(error.status), param: error.param ?? null, code: error.code ?? defaultCode(error.status) },
      error.headers,
    );
  },
};

function openAiError(status: number, error: Record<string, unknown>, headers: Record<string, string> = {}) {
  return { status, headers: { 'x-request-id': `req_fake_${status}`, ...headers }, body: JSON.stringify({ error }) };
}

function defaultType(status: number): string {
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function defaultCode(status: number): string | null {
  if (status === 401) return 'invalid_api_key';
  if (status === 429) return 'rate_limit_exceeded';
  return null;
}

function lastUserText(body: WireBody): string {
  const messages: WireBody[] = Array.isArray(body?.messages) ? body.messages : [];
  const last = [...messages].reverse().find((m) => m?.role === 'user');
  if (!last) return '';
  return typeof last.content === 'string' ? last.content : collectText(last.content).join(' ');
}

async function chatCompletion({ request, reply, response, sequence }: FakeExchange): Promise<boolean> {
  const body = request.body ?? {};
  const text = replyText(reply, lastUserText(body));
  const usage = usageOf(reply, collectText(body.messages).join(' '), text);
  const id = `chatcmpl-fake-${sequence}`;
  const model = reply.model ?? body.model ?? 'gpt-fake-mini';
  const finish = finishReasonOf(reply);
  const toolCalls = (reply.toolCalls ?? []).map((call, i) => ({ id: call.id ?? `call_fake_${sequence}_${i}`, name: call.name, arguments: toolArgumentsText(call) }));
  const usageBody = {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: 0 },
  };
  const created = Math.floor(Date.now() / 1000);

  if (!body.stream) {
    sendJson(response, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: text || (toolCalls.length ? null : ''),
            refusal: null,
            ...(toolCalls.length ? { tool_calls: toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) } : {}),
          },
          logprobs: null,
          finish_reason: finish,
        },
      ],
      usage: usageBody,
    });
    return true;
  }

  const includeUsage = body.stream_options?.include_usage === true;
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...(includeUsage ? { usage: null } : {}), ...extra })}\n\n`;
  const events: string[] = [chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }])];
  for (const piece of textChunks(reply, text)) events.push(chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]));
  toolCalls.forEach((call, index) => {
    events.push(chunk([{ index: 0, delta: { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }, logprobs: null, finish_reason: null }]));
    const half = Math.ceil(call.arguments.length / 2);
    for (const part of [call.arguments.slice(0, half), call.arguments.slice(half)].filter(Boolean)) {
      events.push(chunk([{ index: 0, delta: { tool_calls: [{ index, function: { arguments: part } }] }, logprobs: null, finish_reason: null }]));
    }
  });
  events.push(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finish }]));
  if (includeUsage) events.push(chunk([], { usage: usageBody }));
  events.push('data: [DONE]\n\n');
  await sendStream(response, reply, 'text/event-stream; charset=utf-8', events);
  return true;
}

function embeddings({ request, reply, response }: FakeExchange): boolean {
  const body = request.body ?? {};
  const inputs: string[] = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? '')];
  const dimensions = Number(body.dimensions ?? 8);
  const vectors = reply.embeddings ?? inputs.map((text) => fakeEmbedding(text, dimensions));
  const base64 = body.encoding_format === 'base64';
  const tokens = reply.usage?.inputTokens ?? inputs.reduce((n, text) => n + Math.max(1, text.split(/\s+/).filter(Boolean).length), 0);
  sendJson(response, 200, {
    object: 'list',
    data: vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
    })),
    model: reply.model ?? body.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
  return true;
}

