import type { ServerResponse } from 'node:http';
import { newId, sendJson } from '@strata/kernel';
import type { ModelGateway } from '../gateway/model-gateway.service';
import { apiCallScope, type V1Request } from '../openai-api/api-call-scope';
import { toApiFailure } from '../openai-api/gateway-error-status';
import { parseApiBody } from '../openai-api/parse-api-body';
import { relayPassthrough } from '../openai-api/passthrough-relay';
import { SseResponse } from '../openai-api/sse-response';
import { toAnthropicErrorBody } from './anthropic-error';
import { anthropicMessagesRequestSchema } from './anthropic-messages.schema';
import { fromAnthropicRequest, toAnthropicMessage } from './anthropic-messages.translation';
import { AnthropicStreamEncoder } from './anthropic-stream.encoder';

/** An error in the middle of an Anthropic stream: `event: error`, which the SDK raises. */
function anthropicStreamError(error: unknown): string {
  return `event: error\ndata: ${JSON.stringify(toAnthropicErrorBody(toApiFailure(error)))}\n\n`;
}

/**
 * `POST /v1/messages` once authenticated and authorized: Anthropic bodies go to Anthropic endpoints
 * untouched (passthrough), to any other provider translated. Served by the Nest controller and by
 * the /v1 lane alike; failures before the response started are thrown for the caller's envelope.
 */
export async function serveAnthropicMessages(gateway: ModelGateway, request: V1Request, response: ServerResponse): Promise<void> {
  const body = parseApiBody(anthropicMessagesRequestSchema, request.body);
  const aborter = SseResponse.abortOnDisconnect(request, response);
  const scope = { ...apiCallScope(request), signal: aborter.signal };

  const passthrough = await gateway.passthrough('anthropic-messages', body, scope);
  if (passthrough) return relayPassthrough(passthrough, response, anthropicStreamError);

  const chatRequest = { ...fromAnthropicRequest(body), ...scope };
  if (body.stream !== true) {
    const result = await gateway.chat(chatRequest);
    sendJson(response, 200, toAnthropicMessage(result.response));
    return;
  }

  const stream = await gateway.streamChat(chatRequest);
  const events = stream.events[Symbol.asyncIterator]();
  // Until the first event the gateway may still fall back; a failure of all endpoints keeps its status.
  const first = await events.next();
  const sse = SseResponse.open(response);
  const encoder = new AnthropicStreamEncoder(`msg_${newId().replaceAll('-', '')}`, body.model);
  try {
    for (let next = first; !next.done; next = await events.next()) {
      for (const out of encoder.encode(next.value)) await sse.send(out.data, out.event);
      if (sse.closed) break;
    }
  } catch (error) {
    if (!sse.closed) await sse.write(anthropicStreamError(error));
  } finally {
    if (sse.closed) await events.return?.();
    sse.end();
  }
}
