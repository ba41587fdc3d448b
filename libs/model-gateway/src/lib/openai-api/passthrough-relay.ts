import type { ServerResponse } from 'node:http';
import type { GatewayPassthroughResult } from '../gateway/gateway.contract';
import { SseResponse } from './sse-response';

/** Provider headers a client may see; hop-by-hop, length and encoding headers are the server's own business. */
const FORWARDED_HEADERS = new Set(['content-type']);

/**
 * Sends a same-format provider response to the client byte for byte as it arrives (the facade taps
 * usage from the same bytes). `onStreamError` renders a failure after the headers went out: an
 * error event in the format's own SSE shape, or nothing for a JSON body (the socket is cut so the
 * client sees an incomplete response rather than a truncated document).
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
  const out = isEventStream ? SseResponse.open(response, headers, result.response.status) : null;
  if (!out) response.writeHead(result.response.status, headers);
  const writer = out ?? SseResponse.writerFor(response);
  try {
    for await (const chunk of result.response.body) {
      if (writer.closed) break;
      await writer.write(chunk);
    }
    writer.end();
  } catch (error) {
    const event = isEventStream ? onStreamError(error) : null;
    if (event !== null && !writer.closed) {
      await writer.write(event);
      writer.end();
    } else response.destroy();
  }
}
