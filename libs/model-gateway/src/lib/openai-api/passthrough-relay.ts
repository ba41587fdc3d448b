import type { ServerResponse } from 'node:http';
import type { GatewayPassthroughResult } from '../gateway/gateway.contract';
import { SseResponse } from './sse-response';

/** Provider headers a client may see; hop-by-hop, length and encoding headers are the server's own business. */
const FORWARDED_HEADERS = new Set(['content-type']);

/**
 * Sends a same-format provider response to the client byte for byte (the facade taps usage from the
 * same bytes): an event stream as each chunk arrives, a JSON document whole, once complete (see
 * {@link relayDocument}). `onStreamError` renders a failure of a stream after the headers went out:
 * an error event in the format's own SSE shape.
 */
export async function relayPassthrough(
  result: GatewayPassthroughResult,
  response: ServerResponse,
  onStreamError: (error: unknown) => string | null,
): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.response.headers)) {
    if (FORWARDED_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  }
  const isEventStream = (headers['content-type'] ?? '').startsWith('text/event-stream');
  if (!isEventStream) return relayDocument(result, headers, response);
  const writer = SseResponse.open(response, headers, result.response.status);
  try {
    for await (const chunk of result.response.body) {
      if (writer.closed) break;
      await writer.write(chunk);
    }
    writer.end();
  } catch (error) {
    const event = onStreamError(error);
    if (event !== null && !writer.closed) {
      await writer.write(event);
      writer.end();
    } else response.destroy();
  }
}

/**
 * A non-streamed answer (a JSON document) is sent once complete, with its length, in one write:
 * a client cannot use part of a document, and one write instead of a chunked body (headers and
 * first chunk, then the terminating chunk) halves the socket writes of the most common call. The
 * document is bounded by what the provider sends for one completion. A failure while reading it
 * cuts the connection, so the client sees an incomplete response rather than a truncated document.
 */
async function relayDocument(result: GatewayPassthroughResult, headers: Record<string, string>, response: ServerResponse): Promise<void> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for await (const chunk of result.response.body) {
      if (response.destroyed) return;
      chunks.push(chunk);
      length += chunk.byteLength;
    }
  } catch {
    response.destroy();
    return;
  }
  if (response.destroyed || response.writableEnded) return;
  response.writeHead(result.response.status, { ...headers, 'content-length': String(length) });
  response.end(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length));
}
