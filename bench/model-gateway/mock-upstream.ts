/**
 * The benchmark's upstream: a minimal OpenAI-compatible chat completions server, run in its own
 * process so its CPU is counted apart from the gateway's. `/v1/chat/completions` answers at once
 * (JSON, or SSE: a role chunk, eight content chunks, the finish chunk, a usage chunk when
 * `stream_options.include_usage` is set, then `[DONE]`). Under `/slow/v1/...` a stream pauses
 * `MOCK_SLOW_GAP_MS` (50 ms) after its first content chunk: a gateway that buffers shows it in its
 * time to first chunk. Prints `MOCK_LISTENING <port>` when ready.
 */
import { createServer, type ServerResponse } from 'node:http';

const GAP_MS = Number(process.env['MOCK_SLOW_GAP_MS'] ?? 50);
const CREATED = 1_700_000_000;
const WORDS = ['Hello', ' from', ' the', ' mock', ' upstream', ' of', ' the', ' benchmark.'];
const USAGE = { prompt_tokens: 12, completion_tokens: WORDS.length, total_tokens: 12 + WORDS.length };

const completion = JSON.stringify({
  id: 'chatcmpl-mock',
  object: 'chat.completion',
  created: CREATED,
  model: 'mock-model',
  choices: [{ index: 0, message: { role: 'assistant', content: WORDS.join(''), refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: USAGE,
});

const chunk = (delta: object, finish: string | null, withUsage: boolean) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-mock',
    object: 'chat.completion.chunk',
    created: CREATED,
    model: 'mock-model',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(withUsage ? { usage: null } : {}),
  })}\n\n`;

function streamParts(withUsage: boolean): { first: string; rest: string } {
  const first = chunk({ role: 'assistant', content: '' }, null, withUsage) + chunk({ content: WORDS[0] }, null, withUsage);
  let rest = WORDS.slice(1)
    .map((word) => chunk({ content: word }, null, withUsage))
    .join('');
  rest += chunk({}, 'stop', withUsage);
  if (withUsage) rest += `data: ${JSON.stringify({ id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: CREATED, model: 'mock-model', choices: [], usage: USAGE })}\n\n`;
  rest += 'data: [DONE]\n\n';
  return { first, rest };
}
const STREAM = { plain: streamParts(false), usage: streamParts(true) };

function stream(response: ServerResponse, withUsage: boolean, slow: boolean): void {
  const parts = withUsage ? STREAM.usage : STREAM.plain;
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  response.write(parts.first);
  if (!slow) {
    response.end(parts.rest);
    return;
  }
  setTimeout(() => {
    if (!response.destroyed) response.end(parts.rest);
  }, GAP_MS);
}

const server = createServer((request, response) => {
  const slow = request.url?.startsWith('/slow/') ?? false;
  const path = slow ? request.url?.slice(5) : request.url;
  if (request.method === 'GET' && path === '/v1/models') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ object: 'list', data: [{ id: 'mock-model', object: 'model', created: CREATED, owned_by: 'mock' }] }));
    return;
  }
  if (request.method !== 'POST' || path !== '/v1/chat/completions') {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { message: `no route ${request.method} ${request.url}`, type: 'invalid_request_error', param: null, code: null } }));
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (data: Buffer) => chunks.push(data));
  request.on('end', () => {
    let body: { stream?: boolean; stream_options?: { include_usage?: boolean } };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'invalid JSON', type: 'invalid_request_error', param: null, code: null } }));
      return;
    }
    if (body.stream) {
      stream(response, body.stream_options?.include_usage === true, slow);
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(completion);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env['MOCK_PORT'] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`MOCK_LISTENING ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
