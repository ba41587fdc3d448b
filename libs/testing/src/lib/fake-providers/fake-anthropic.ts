import { sendJson, sendStream, type FakeDialect, type FakeExchange } from './fake-provider-server';
import { collectText, finishReasonOf, replyText, textChunks, toolArgumentsObject, toolArgumentsText, usageOf, type FakeFinishReason, type WireBody } from './fake-reply';

/**
 * Anthropic's Messages API: POST /v1/messages as JSON, or as the SSE event sequence message_start,
 * content_block_start, content_block_delta (text_delta, input_json_delta), content_block_stop,
 * message_delta (stop reason, output usage), message_stop. Errors: `{type:'error', error:{type, message}}`.
 */
export const anthropicDialect: FakeDialect = {
  async handle(exchange) {
    if (exchange.request.method === 'POST' && exchange.request.path.endsWith('/v1/messages')) return messages(exchange);
    return false;
  },
  error(_exchange, error) {
    if (error === 'context_overflow') return anthropicError(400, 'invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum');
    if (error === 'overloaded') return anthropicError(529, 'overloaded_error', 'Overloaded');
    if (error.body !== undefined) return { status: error.status, headers: error.headers ?? {}, body: JSON.stringify(error.body) };
    return anthropicError(error.status, error.type ?? defaultType(error.status), error.message ?? `fake error ${error.status}`, error.headers);
  },
};

function anthropicError(status: number, type: string, message: string, headers: Record<string, string> = {}) {
  return { status, headers: { 'request-id': `req_fake_${status}`, ...headers }, body: JSON.stringify({ type: 'error', error: { type, message } }) };
}

function defaultType(status: number): string {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

const stopReasons: Record<FakeFinishReason, string> = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use', content_filter: 'refusal' };

function lastUserText(body: WireBody): string {
  const messages: WireBody[] = Array.isArray(body?.messages) ? body.messages : [];
  const last = [...messages].reverse().find((m) => m?.role === 'user');
  if (!last) return '';
  return typeof last.content === 'string' ? last.content : collectText(last.content).join(' ');
}

async function messages({ request, reply, response, sequence }: FakeExchange): Promise<boolean> {
  const body = request.body ?? {};
  const text = replyText(reply, lastUserText(body));
  const usage = usageOf(reply, [typeof body.system === 'string' ? body.system : '', ...collectText(body.messages)].join(' '), text);
  const id = `msg_fake_${sequence}`;
  const model = reply.model ?? body.model ?? 'claude-fake';
  const stopReason = stopReasons[finishReasonOf(reply)];
  const toolCalls = (reply.toolCalls ?? []).map((call, i) => ({ id: call.id ?? `toolu_fake_${sequence}_${i}`, name: call.name, call }));
  const usageBody = { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

  if (!body.stream) {
    sendJson(response, 200, {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [
        ...(text ? [{ type: 'text', text }] : []),
        ...toolCalls.map((t) => ({ type: 'tool_use', id: t.id, name: t.name, input: toolArgumentsObject(t.call) })),
      ],
      stop_reason: stopReason,
      stop_sequence: null,
      usage: usageBody,
    });
    return true;
  }

  const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const events = [
    event('message_start', {
      message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usageBody, output_tokens: 1 } },
    }),
    event('ping', {}),
  ];
  let index = 0;
  if (text) {
    events.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    for (const piece of textChunks(reply, text)) events.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }));
    events.push(event('content_block_stop', { index }));
    index++;
  }
  for (const tool of toolCalls) {
    events.push(event('content_block_start', { index, content_block: { type: 'tool_use', id: tool.id, name: tool.name, input: {} } }));
    const json = toolArgumentsText(tool.call);
    const half = Math.ceil(json.length / 2);
    for (const part of [json.slice(0, half), json.slice(half)].filter(Boolean)) {
      events.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } }));
    }
    events.push(event('content_block_stop', { index }));
    index++;
  }
  events.push(event('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.outputTokens } }));
  events.push(event('message_stop', {}));
  await sendStream(response, reply, 'text/event-stream; charset=utf-8', events, { 'request-id': `req_fake_${sequence}` });
  return true;
}
