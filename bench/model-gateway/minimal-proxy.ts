/**
 * The benchmark's floor: the least any Node gateway does, in one process — a `node:http` server that
 * sends each request on, body streamed, to the mock upstream over a keep-alive undici pool and
 * relays the answer's status, content type and body chunk by chunk (no buffering, so a stream's
 * first chunk is not held back). No authentication, routing, accounting or telemetry. Its added
 * latency over calling the mock directly is what the extra process hop itself costs on the bench
 * machine; a gateway's own work comes on top. Prints `PROXY_LISTENING <port>` when ready.
 * Environment: UPSTREAM (the mock's origin).
 */
import { createServer } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';

const upstream = process.env['UPSTREAM'];
if (!upstream) throw new Error('UPSTREAM (the mock upstream origin) is required');
const pool = new Pool(upstream, { connections: 128, pipelining: 1 });

const server = createServer((request, response) => {
  const headers: Record<string, string> = { 'content-type': request.headers['content-type'] ?? 'application/json' };
  if (request.headers.authorization) headers['authorization'] = request.headers.authorization;
  pool
    .request({ method: 'POST', path: request.url ?? '/', headers, body: request })
    .then(async (answer) => {
      response.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'application/json') });
      await pipeline(answer.body, response);
    })
    .catch(() => {
      if (!response.headersSent) response.writeHead(502).end();
      else response.destroy();
    });
});

server.listen(Number(process.env['PROXY_PORT'] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`PROXY_LISTENING ${typeof address === 'object' && address ? address.port : 0}\n`);
});
