import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SafeHttpFetcher, type SafeHttpPolicy } from './safe-http-fetch';
import type { HostResolver } from './ssrf-guard';

/** The address mock DNS gives "public" names; the dial seam routes it to the local stand-in for the internet. */
const PUBLIC_ADDRESS = '93.184.215.14';

interface CountingServer {
  server: Server;
  port: number;
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>;
}

/** Listens on `::` (dual stack), so every loopback spelling (127.x, ::1, ::ffff:127.0.0.1) would reach it. */
async function listen(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<CountingServer> {
  const requests: CountingServer['requests'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '::', ipv6Only: false }, resolve));
  return { server, port: (server.address() as AddressInfo).port, requests };
}

describe('SafeHttpFetcher', () => {
  /** The private service an attacker wants to reach: it must never see a request. */
  let victim: CountingServer;
  /** Stands in for a public web server (reached only through the vetted public address). */
  let publicServer: CountingServer;
  let resolverCalls: string[];
  let fetcher: SafeHttpFetcher;
  const policy: SafeHttpPolicy = { allowedHosts: [], allowHttp: true, methods: ['GET', 'HEAD', 'POST'] };

  const resolver: HostResolver = async (hostname) => {
    resolverCalls.push(hostname);
    const table: Record<string, string[]> = {
      'api.example.test': [PUBLIC_ADDRESS],
      'loopback.example.test': ['127.0.0.1'],
      'private.example.test': ['10.0.0.7'],
      'v6loop.example.test': ['::1'],
      localhost: ['127.0.0.1', '::1'],
    };
    if (hostname === 'rebind.example.test') return [{ address: resolverCalls.filter((name) => name === hostname).length === 1 ? PUBLIC_ADDRESS : '127.0.0.1', family: 4 }];
    const answers = table[hostname];
    if (!answers) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

  beforeAll(async () => {
    victim = await listen((_req, res) => res.end('secret'));
    publicServer = await listen((req, res, body) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/redirect') {
        res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to') ?? '/' });
        res.end();
      } else if (url.pathname.startsWith('/chain/')) {
        const n = Number(url.pathname.slice('/chain/'.length));
        res.writeHead(302, { location: `/chain/${n + 1}` });
        res.end();
      } else if (url.pathname === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('x'.repeat(2 * 1024 * 1024));
      } else if (url.pathname === '/slow') {
        // never answers
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, path: url.pathname, idempotencyKey: req.headers['idempotency-key'] ?? null, body }));
      }
    });
    fetcher = new SafeHttpFetcher({ resolve: resolver, dial: (address) => (address === PUBLIC_ADDRESS ? '127.0.0.1' : address), timeoutMs: 2_000 });
  });
  afterAll(async () => {
    victim.server.closeAllConnections();
    publicServer.server.closeAllConnections();
    await Promise.all([victim, publicServer].map(({ server }) => new Promise((resolve) => server.close(resolve))));
  });
  beforeEach(() => {
    resolverCalls = [];
  });

  const refusedCode = async (promise: Promise<unknown>): Promise<string> => {
    try {
      await promise;
    } catch (error) {
      return (error as { code?: string }).code ?? String(error);
    }
    return 'fetched';
  };

  it('makes 0 requests for the SSRF corpus: private, loopback and metadata addresses in every spelling, and names resolving to them', async () => {
    const v = victim.port;
    const corpus = [
      `http://127.0.0.1:${v}/`,
      `http://2130706433:${v}/`,
      `http://0x7f.1:${v}/`,
      `http://0177.0.0.1:${v}/`,
      `http://127.1:${v}/`,
      `http://0x7f000001:${v}/`,
      `http://[::1]:${v}/`,
      `http://[::ffff:127.0.0.1]:${v}/`,
      `http://[::ffff:7f00:1]:${v}/`,
      `http://[0:0:0:0:0:ffff:7f00:1]:${v}/`,
      `http://[::7f00:1]:${v}/`,
      `http://[64:ff9b::7f00:1]:${v}/`,
      `http://[2002:7f00:1::1]:${v}/`,
      `http://0.0.0.0:${v}/`,
      `http://[::]:${v}/`,
      `http://localhost:${v}/`,
      `http://loopback.example.test:${v}/`,
      `http://v6loop.example.test:${v}/`,
      `http://private.example.test:${v}/`,
      'http://169.254.169.254/latest/meta-data/',
      'http://0xa9fea9fe/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://metadata.google.internal/computeMetadata/v1/',
      `https://127.0.0.1:${v}/`,
    ];
    for (const url of corpus) expect(await refusedCode(fetcher.fetch({ url, method: 'GET' }, policy)), url).toBe('context.http_target_blocked');
    expect(victim.requests).toHaveLength(0);
  });

  it('re-checks every redirect hop: redirects to private targets make 0 requests to them', async () => {
    const v = victim.port;
    const targets = [
      `http://127.0.0.1:${v}/`,
      `http://2130706433:${v}/`,
      `http://[::ffff:127.0.0.1]:${v}/`,
      `http://loopback.example.test:${v}/`,
      `http://localhost:${v}/`,
      'http://169.254.169.254/latest/meta-data/',
      `ftp://api.example.test:${v}/`,
    ];
    const before = publicServer.requests.length;
    for (const to of targets) {
      for (const status of [301, 302, 303, 307, 308]) {
        const url = `http://api.example.test:${publicServer.port}/redirect?status=${status}&to=${encodeURIComponent(to)}`;
        expect(await refusedCode(fetcher.fetch({ url, method: 'GET' }, policy)), `${status} → ${to}`).toBe('context.http_target_blocked');
      }
    }
    expect(publicServer.requests.length - before).toBe(targets.length * 5);
    expect(victim.requests).toHaveLength(0);
  });

  it('fetches a public name (mock DNS) at the vetted address, and DNS rebinding cannot swap it', async () => {
    const ok = await fetcher.fetch({ url: `http://api.example.test:${publicServer.port}/hello`, method: 'GET' }, policy);
    expect(ok).toMatchObject({ status: 200, redirects: 0, truncated: false, contentType: 'application/json' });
    expect(JSON.parse(ok.body)).toMatchObject({ method: 'GET', path: '/hello', idempotencyKey: null });

    // First answer public (vetted), any later answer loopback: the connection uses the first.
    const rebound = await fetcher.fetch({ url: `http://rebind.example.test:${publicServer.port}/rebind`, method: 'GET' }, policy);
    expect(JSON.parse(rebound.body)).toMatchObject({ path: '/rebind' });
    expect(resolverCalls.filter((name) => name === 'rebind.example.test')).toHaveLength(1);
    expect(victim.requests).toHaveLength(0);
  });

  it('follows at most 5 redirects, turning POST into GET on 303', async () => {
    const five = await refusedCode(fetcher.fetch({ url: `http://api.example.test:${publicServer.port}/chain/0`, method: 'GET' }, policy));
    expect(five).toBe('context.http_target_blocked');
    const seeOther = await fetcher.fetch(
      { url: `http://api.example.test:${publicServer.port}/redirect?status=303&to=/after`, method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' }, idempotencyKey: 'run:1:call' },
      policy,
    );
    expect(seeOther.redirects).toBe(1);
    expect(JSON.parse(seeOther.body)).toEqual({ method: 'GET', path: '/after', idempotencyKey: null, body: '' });
  });

  it('drops the model\'s custom headers when a redirect changes origin', async () => {
    const port = publicServer.port;
    const sameOrigin = await fetcher.fetch({ url: `http://api.example.test:${port}/redirect?status=302&to=/echo`, method: 'GET', headers: { 'x-api-token': 't1', accept: 'application/json' } }, policy);
    expect(sameOrigin.status).toBe(200);
    expect(publicServer.requests.at(-1)?.headers['x-api-token']).toBe('t1');
    const otherOrigin = `http://rebind.example.test:${port}/echo`;
    resolverCalls = [];
    await fetcher.fetch({ url: `http://api.example.test:${port}/redirect?status=302&to=${encodeURIComponent(otherOrigin)}`, method: 'GET', headers: { 'x-api-token': 't2', accept: 'application/json' } }, policy);
    expect(publicServer.requests.at(-1)?.headers['x-api-token']).toBeUndefined();
    expect(publicServer.requests.at(-1)?.headers['accept']).toBe('application/json');
  });

  it('sends the idempotency key on writes, refuses methods and headers the tool does not allow', async () => {
    const posted = await fetcher.fetch({ url: `http://api.example.test:${publicServer.port}/orders`, method: 'POST', body: 'hi', idempotencyKey: 'run-1:3:call_9' }, policy);
    expect(JSON.parse(posted.body)).toEqual({ method: 'POST', path: '/orders', idempotencyKey: 'run-1:3:call_9', body: 'hi' });
    const before = publicServer.requests.length;
    expect(await refusedCode(fetcher.fetch({ url: `http://api.example.test:${publicServer.port}/x`, method: 'DELETE' }, policy))).toBe('context.http_target_blocked');
    expect(await refusedCode(fetcher.fetch({ url: `http://api.example.test:${publicServer.port}/x`, method: 'GET', headers: { Host: 'internal' } }, policy))).toBe('context.http_target_blocked');
    expect(await refusedCode(fetcher.fetch({ url: `http://api.example.test:${publicServer.port}/x`, method: 'GET', headers: { 'x-a': 'b\r\nInjected: 1' } }, policy))).toBe('context.http_target_blocked');
    expect(await refusedCode(fetcher.fetch({ url: `http://api.example.test:${publicServer.port}/x`, method: 'GET' }, { ...policy, allowHttp: false }))).toBe('context.http_target_blocked');
    expect(await refusedCode(fetcher.fetch({ url: `http://api.example.test:${publicServer.port}/x`, method: 'GET' }, { ...policy, allowedHosts: ['*.example.com'] }))).toBe('context.http_target_blocked');
    expect(publicServer.requests.length).toBe(before);
  });

  it('cuts the body at the size cap and marks it; gives up at the deadline', async () => {
    const big = await fetcher.fetch({ url: `http://api.example.test:${publicServer.port}/big`, method: 'GET' }, policy);
    expect(big).toMatchObject({ status: 200, truncated: true, bytes: 1024 * 1024 });
    expect(big.body).toHaveLength(1024 * 1024);
    const quick = new SafeHttpFetcher({ resolve: resolver, dial: (address) => (address === PUBLIC_ADDRESS ? '127.0.0.1' : address), timeoutMs: 300 });
    const started = Date.now();
    expect(await refusedCode(quick.fetch({ url: `http://api.example.test:${publicServer.port}/slow`, method: 'GET' }, policy))).toBe('context.http_timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
