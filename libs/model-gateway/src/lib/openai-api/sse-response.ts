import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A server-sent-events response that is never buffered: headers go out at once, every event is
 * written as soon as it exists (Node's http sockets run with TCP_NODELAY, and nothing between us
 * and the socket compresses or batches), and a slow reader is waited for (`drain`) instead of
 * piling events up in memory. {@link SseResponse.abortOnDisconnect} tells the caller when the client
 * goes away, so it can cancel the upstream call. Shared by the OpenAI and Anthropic formats.
 */
export class SseResponse {
  private constructor(private readonly response: ServerResponse) {}

  /** Starts the event stream (status 200 unless given) and flushes the headers. */
  static open(response: ServerResponse, headers: Record<string, string> = {}, status = 200): SseResponse {
    const sse = new SseResponse(response);
    response.writeHead(status, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Reverse proxies (nginx) buffer responses unless told not to.
      'x-accel-buffering': 'no',
      ...headers,
    });
    response.flushHeaders();
    return sse;
  }

  /** A writer for a response whose headers were written already (a JSON body passed through). */
  static writerFor(response: ServerResponse): SseResponse {
    return new SseResponse(response);
  }

  /** Aborts when the client disconnects before the response ended (the upstream call is then cancelled). */
  static abortOnDisconnect(request: IncomingMessage, response: ServerResponse): AbortController {
    const aborter = new AbortController();
    const onClose = () => {
      if (!response.writableFinished) aborter.abort(new Error('client disconnected'));
    };
    response.once('close', onClose);
    request.once('aborted', onClose);
    return aborter;
  }

  /** The client went away or the stream was ended: further writes are dropped. */
  get closed(): boolean {
    return this.response.destroyed || this.response.writableEnded;
  }

  /** `data: <json>\n\n`, with `event: <name>` first when given (Anthropic names its events). */
  send(data: string, event?: string): Promise<void> {
    return this.write(event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`);
  }

  /** Raw bytes already in SSE form (a provider's own stream, passed through). */
  write(chunk: string | Uint8Array): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.response.write(chunk)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      this.response.once('drain', done);
      this.response.once('close', done);
    });
  }

  end(): void {
    if (!this.response.writableEnded) this.response.end();
  }
}
