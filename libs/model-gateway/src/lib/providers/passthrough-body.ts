import type { AttemptDeadline } from './attempt-deadline';

/** Hop-by-hop headers, and the encoding/length ones that fetch's transparent decompression invalidates. */
const droppedHeaders = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-encoding', 'content-length', 'proxy-connection', 'upgrade', 'trailer', 'te']);

export function passthroughHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (!droppedHeaders.has(name)) out[name] = value;
  });
  return out;
}

/**
 * The provider's body chunk by chunk as it arrives (no buffering), with the idle clock restarted
 * per chunk; the deadline is released when the body ends or the consumer stops reading (which
 * cancels the upstream body).
 */
export async function* passthroughBody(response: Response, deadline: AttemptDeadline, mapError: (error: unknown) => unknown): AsyncIterable<Uint8Array> {
  try {
    if (!response.body) return;
    for await (const chunk of response.body) {
      deadline.touch();
      yield chunk;
    }
    deadline.signal.throwIfAborted();
  } catch (error) {
    throw mapError(error);
  } finally {
    deadline.dispose();
  }
}
