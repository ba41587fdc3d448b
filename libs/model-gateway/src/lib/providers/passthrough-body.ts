import type { AttemptDeadline } from './attempt-deadline';

/** Hop-by-hop headers, and the encoding/length ones the server sets for its own answer. */
const droppedHeaders = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-encoding', 'content-length', 'proxy-connection', 'upgrade', 'trailer', 'te']);

/** A provider answer's headers (undici's raw, lower-case names) less the hop-by-hop ones. */
export function passthroughHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || droppedHeaders.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * The provider's body chunk by chunk as it arrives (no buffering), with the idle clock restarted
 * per chunk; the deadline is released when the body ends or the consumer stops reading (which
 * cancels the upstream body).
 */
export async function* passthroughBody(body: AsyncIterable<Uint8Array>, deadline: AttemptDeadline, mapError: (error: unknown) => unknown): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of body) {
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
