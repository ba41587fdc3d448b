import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeErrorReply, FakeProviderKind, FakeReply, WireBody } from './fake-reply';

export interface RecordedRequest {
  method: string;
  /** The path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when there was none or it was not JSON). */
  body: WireBody;
  rawBody: string;
  /** The status and bytes the fake answered with (complete once the response has ended). */
  response: { status: number; body: Buffer };
}

/** One exchange as a provider dialect sees it. */
export interface FakeExchange {
  request: RecordedRequest;
  reply: FakeReply;
  response: ServerResponse;
  /** Counter for ids unique within this fake. */
  sequence: number;
}

/** How one provider's wire format answers; the server handles recording, scripting, delays and hangs. */
export interface FakeDialect {
  /** Answers a request; returns false when the route is unknown (the server answers 404). */
  handle(exchange: FakeExchange): Promise<boolean>;
  /** The provider's own error response for a scripted error. */
  error(exchange: FakeExchange, error: FakeErrorReply | 'context_overflow' | 'overloaded'): { status: number; headers: Record<string, string>; body: string };
}

export interface FakeProvider {
  kind: FakeProviderKind;
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Queues replies, one per coming request (in order); when the queue is empty the default answer is given. */
  script(...replies: FakeReply[]): void;
  /**
   * Answers requests the queue has no reply for by calling `responder` with the request (replies
   * that depend on what was asked, e.g. on the conversation's length, so a client that repeats a
   * request after a crash gets the same answer). `undefined` resets to the default answer.
   */
  respondWith(responder: ((request: RecordedRequest) => FakeReply | undefined) | undefined): void;
  /** Forgets recorded requests and queued replies. */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeServer(kind: FakeProviderKind, dialect: FakeDialect): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  const queue: FakeReply[] = [];
  let responder: ((request: RecordedRequest) => FakeReply | undefined) | undefined;
  let sequence = 0;

  const server = createServer((req, res) => {
    void answer(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake ${kind} provider failed: ${error instanceof Error ? error.message : String(error)}`);
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      rawBody,
      response: { status: 0, body: Buffer.alloc(0) },
    };
    requests.push(request);
    recordResponse(res, request);
    const reply = queue.shift() ?? responder?.(request) ?? {};
    const exchange: FakeExchange = { request, reply, response: res, sequence: ++sequence };

    if (reply.hang) return; // the socket stays open until the client aborts or close() cuts it
    if (reply.delayMs) await sleep(reply.delayMs);
    if (res.destroyed) return;

    const error = reply.error ?? (reply.retryAfter !== undefined || reply.retryAfterMs !== undefined ? { status: 429 } : undefined);
    if (error) {
      const answerError = dialect.error(exchange, error);
      const headers: Record<string, string> = { 'content-type': 'application/json', ...answerError.headers };
      if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
      if (reply.retryAfterMs !== undefined) headers['retry-after-ms'] = String(reply.retryAfterMs);
      res.writeHead(answerError.status, headers);
      res.end(answerError.body);
      return;
    }
    if (!(await dialect.handle(exchange))) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fake ${kind} provider: no route ${request.method} ${request.path}` } }));
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    kind,
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...replies) => void queue.push(...replies),
    respondWith: (next) => {
      responder = next;
    },
    reset: () => {
      requests.length = 0;
      queue.length = 0;
      responder = undefined;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Keeps a copy of what is written, so that tests can check bytes were forwarded unchanged. */
function recordResponse(res: ServerResponse, request: RecordedRequest): void {
  const chunks: Buffer[] = [];
  const keep = (chunk: unknown) => {
    if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    request.response.body = Buffer.concat(chunks);
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    keep(chunk);
    return write(chunk, ...rest);
  }) as ServerResponse['write'];
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (chunk !== undefined && typeof chunk !== 'function') keep(chunk);
    request.response.status = res.statusCode;
    return end(chunk, ...rest);
  }) as ServerResponse['end'];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  response.end(text);
}

/**
 * Writes a streamed body chunk by chunk, flushing each (and waiting the reply's `chunkDelayMs`
 * between them), so that clients can observe that nothing is buffered. Stops quietly when the
 * client goes away; `cutAfterChunks` destroys the connection mid-stream.
 */
export async function sendStream(
  response: ServerResponse,
  reply: FakeReply,
  contentType: string,
  chunks: Array<string | Uint8Array>,
  headers: Record<string, string> = {},
): Promise<void> {
  response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache', ...headers });
  response.flushHeaders();
  for (let i = 0; i < chunks.length; i++) {
    if (i > 0 && reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
    if (response.destroyed) return;
    if (reply.cutAfterChunks !== undefined && i >= reply.cutAfterChunks) {
      response.destroy();
      return;
    }
    response.write(chunks[i]);
  }
  response.end();
}
