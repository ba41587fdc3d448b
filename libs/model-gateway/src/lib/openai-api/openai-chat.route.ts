import type { ServerResponse } from 'node:http';
import { newId, sendJson } from '@strata/kernel';
import type { ModelGateway } from '../gateway/model-gateway.service';
import { apiCallScope, type V1Request } from './api-call-scope';
import { toApiFailure } from './gateway-error-status';
import { openAiChatRequestSchema } from './openai-chat.schema';
import { fromOpenAiChatRequest, OpenAiChunkEncoder, toOpenAiChatCompletion } from './openai-chat.translation';
import { toOpenAiErrorResponse } from './openai-error';
import { parseApiBody } from './parse-api-body';
import { relayPassthrough } from './passthrough-relay';
import { SseResponse } from './sse-response';

/** An error in the middle of an OpenAI stream: the official client raises it as an APIError. */
function openAiStreamError(error: unknown): string {
  return `data: ${JSON.stringify(toOpenAiErrorResponse(toApiFailure(error)).body)}\n\n`;
}

/**
 * `POST /v1/chat/completions` once authenticated and authorized: the body is validated and
 * translated here, everything else (routing, guardrails, budgets, accounting, spans) happens in the
 * gateway facade. Served by the Nest controller and by the /v1 lane alike; failures before the
 * response started are thrown for the caller's OpenAI envelope.
 */
export async function serveOpenAiChatCompletion(gateway: ModelGateway, request: V1Request, response: ServerResponse): Promise<void> {
  const body = parseApiBody(openAiChatRequestSchema, request.body);
  const aborter = SseResponse.abortOnDisconnect(request, response);
  const scope = { ...apiCallScope(request), signal: aborter.signal };

  const passthrough = await gateway.passthrough('openai-chat', body, scope);
  if (passthrough) return relayPassthrough(passthrough, response, openAiStreamError);

  const created = Math.floor(Date.now() / 1000);
  const chatRequest = { ...fromOpenAiChatRequest(body), ...scope };
  if (body.stream !== true) {
    const result = await gateway.chat(chatRequest);
    sendJson(response, 200, toOpenAiChatCompletion(result.response, created));
    return;
  }

  const stream = await gateway.streamChat(chatRequest);
  const events = stream.events[Symbol.asyncIterator]();
  // The first event decides between a stream and an error status: until it arrives the gateway may
  // still fall back, and a failure of every endpoint is a 502 the client sees as such.
  const first = await events.next();
  const sse = SseResponse.open(response);
  const encoder = new OpenAiChunkEncoder(`chatcmpl-${newId()}`, body.model, created, body.stream_options?.include_usage === true);
  try {
    for (let next = first; !next.done; next = await events.next()) {
      for (const chunk of encoder.encode(next.value)) await sse.send(chunk);
      if (sse.closed) break;
    }
    if (!sse.closed) await sse.send('[DONE]');
  } catch (error) {
    if (!sse.closed) await sse.write(openAiStreamError(error));
  } finally {
    // Ends the gateway's iterator (and so the upstream call) when the client went away.
    if (sse.closed) await events.return?.();
    sse.end();
  }
}
