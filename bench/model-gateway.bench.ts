/**
 * Model gateway benchmark: `/v1/chat/completions`, plain and streaming, through Strata (built
 * bundle, telemetry preload, API-key authentication, budgets and usage accounting on) against the
 * same local mock upstream called (a) directly, (b) through Portkey's open-source gateway and (c)
 * through a minimal Node proxy that does nothing but relay (the floor of any Node gateway here), in
 * one run. Closed-loop throughput with autocannon at 10/50/100 connections (CPU per request from
 * each server process's CPU time), latency at an evenly paced 100 requests/s, time to first
 * streamed chunk (the mock pauses after its first chunk, so buffering would show), memory.
 *
 * Run: `npm run bench:gateway` (builds the API first) or as part of `npm run bench`.
 * Environment: BENCH_DATABASE_URL (a PostgreSQL server URL; a fresh database is created on it and
 * dropped after; default: the embedded database), BENCH_GATEWAY_DURATION_S (closed-loop run length,
 * default 10), BENCH_GATEWAY_PACED_S (paced run length, default 20), BENCH_LOG_LEVEL (Strata's,
 * default warn), BENCH_STRATA_WORKERS (Strata's STRATA_API_WORKERS: default 2 on a PostgreSQL
 * server, i.e. both cores of the bench machine; always 1 on the embedded database, which refuses
 * more). CPU and memory of Strata are summed over its processes (primary and workers).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { pacedLoad, percentile, type PacedTarget } from './model-gateway/paced-load';
import { createBenchDatabase } from './bench-database';
import { startServer, waitForHttp, type ServerProcess } from './model-gateway/server-process';
import { accountedRequests, setUpStrata } from './model-gateway/strata-setup';

const DURATION_S = Number(process.env['BENCH_GATEWAY_DURATION_S'] ?? 10);
const PACED_S = Number(process.env['BENCH_GATEWAY_PACED_S'] ?? 20);
const PACED_RATE = 100;
const STRATA_WORKERS = process.env['BENCH_DATABASE_URL'] ? Number(process.env['BENCH_STRATA_WORKERS'] ?? 2) : 1;
const CONNECTIONS = [10, 50, 100];
/** `floor`: a minimal Node proxy (model-gateway/minimal-proxy.ts), what the extra hop alone costs here. */
const TARGETS = ['direct', 'strata', 'portkey', 'floor'] as const;
type TargetName = (typeof TARGETS)[number];
type Mode = 'plain' | 'stream';

const progress = (message: string) => process.stderr.write(`› ${message}\n`);
const freePort = () => 20_000 + Math.floor(Math.random() * 20_000);

interface Endpoint {
  url: string;
  headers: Record<string, string>;
  model: string;
}

function requestBody(model: string, mode: Mode): string {
  return JSON.stringify({
    model,
    messages: [{ role: 'user', content: 'Say hello in one short sentence.' }],
    max_tokens: 32,
    ...(mode === 'stream' ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}

interface ClosedRow {
  target: TargetName;
  mode: Mode;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  failures: number;
  cpuMsPerRequest: number;
  cpuPercent: number;
  mockCpuMsPerRequest: number;
}

interface PacedRow {
  target: TargetName;
  mode: Mode;
  sent: number;
  failed: number;
  p50: number;
  p99: number;
  firstChunkP50: number;
  firstChunkP99: number;
  maxLagMs: number;
}

async function closedLoop(endpoint: Endpoint, mode: Mode, connections: number, durationS: number) {
  const result = await autocannon({
    url: endpoint.url,
    method: 'POST',
    headers: { ...endpoint.headers, 'content-type': 'application/json' },
    body: requestBody(endpoint.model, mode),
    connections,
    duration: durationS,
    timeout: 30,
  });
  return result;
}

async function main(): Promise<void> {
  const servers: ServerProcess[] = [];
  const loadBefore = os.loadavg();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'strata-gateway-bench-'));
  const database = process.env['BENCH_DATABASE_URL'] ? await createBenchDatabase(process.env['BENCH_DATABASE_URL'], 'gateway_bench') : null;
  try {
    progress('starting the mock upstream…');
    const mock = await startServer('mock', ['--import', 'tsx', 'bench/model-gateway/mock-upstream.ts'], { ready: (out) => /MOCK_LISTENING \d+/.test(out) });
    servers.push(mock);
    const mockUrl = `http://127.0.0.1:${/MOCK_LISTENING (\d+)/.exec(mock.output())?.[1]}`;

    progress('starting Portkey (@portkey-ai/gateway, Node, @hono/node-server 1.14.1)…');
    const portkeyPort = freePort();
    const portkey = await startServer('portkey', ['node_modules/@portkey-ai/gateway/build/start-server.js', `--port=${portkeyPort}`, '--headless'], {
      ready: (out) => out.includes('Ready for connections'),
    });
    servers.push(portkey);

    progress('starting the minimal proxy (the floor: node:http → undici pool, nothing else)…');
    const floor = await startServer('floor', ['--import', 'tsx', 'bench/model-gateway/minimal-proxy.ts'], {
      env: { UPSTREAM: mockUrl },
      ready: (out) => /PROXY_LISTENING \d+/.test(out),
    });
    servers.push(floor);
    const floorUrl = `http://127.0.0.1:${/PROXY_LISTENING (\d+)/.exec(floor.output())?.[1]}`;

    progress(`starting Strata (dist/apps/api/main.js, telemetry preload, ${database ? 'PostgreSQL server' : 'embedded database'}, ${STRATA_WORKERS} API worker(s))…`);
    const strataPort = freePort();
    // BENCH_GATEWAY_NODE_ARGS: extra node flags for Strata's processes (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`; workers inherit them).
    const nodeArgs = (process.env['BENCH_GATEWAY_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
    const strata = await startServer('strata', [...nodeArgs, '--import', './dist/apps/api/telemetry.js', 'dist/apps/api/main.js'], {
      env: {
        PORT: String(strataPort),
        HOST: '127.0.0.1',
        NODE_ENV: 'production',
        STRATA_DATA_DIR: dataDir,
        STRATA_BOOTSTRAP: 'always',
        STRATA_ADMIN_DIST: '',
        LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn',
        STRATA_API_WORKERS: String(STRATA_WORKERS),
        ...(database ? { DATABASE_URL: database.url } : { DATABASE_URL: '' }),
      },
      // Several API workers: worker 1 prints the key before the others listen; wait for all.
      ready: (out) => /strata_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/.test(out) && (STRATA_WORKERS <= 1 || /API workers serving/.test(out)),
    });
    servers.push(strata);
    const strataUrl = `http://127.0.0.1:${strataPort}`;
    const ownerKey = /strata_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/.exec(strata.output())?.[0] as string;
    progress('configuring Strata through its REST API (providers, catalog, aliases, budgets, a service-account key)…');
    const setup = await setUpStrata(strataUrl, ownerKey, mockUrl);

    const endpoints = (slow: boolean): Record<TargetName, Endpoint> => ({
      direct: { url: `${mockUrl}${slow ? '/slow' : ''}/v1/chat/completions`, headers: { authorization: 'Bearer mock-upstream-key' }, model: 'mock-model' },
      strata: { url: `${strataUrl}/v1/chat/completions`, headers: { authorization: `Bearer ${setup.apiKey}` }, model: slow ? 'bench-slow' : 'bench' },
      portkey: {
        url: `http://127.0.0.1:${portkeyPort}/v1/chat/completions`,
        headers: { authorization: 'Bearer mock-upstream-key', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${mockUrl}${slow ? '/slow' : ''}/v1` },
        model: 'mock-model',
      },
      floor: { url: `${floorUrl}${slow ? '/slow' : ''}/v1/chat/completions`, headers: { authorization: 'Bearer mock-upstream-key' }, model: 'mock-model' },
    });
    const processOf: Record<TargetName, ServerProcess> = { direct: mock, strata, portkey, floor };

    progress('checking every target answers correctly…');
    for (const target of TARGETS) {
      for (const mode of ['plain', 'stream'] as const) {
        const endpoint = endpoints(false)[target];
        await waitForHttp(endpoint.url, { method: 'POST', headers: { ...endpoint.headers, 'content-type': 'application/json' }, body: requestBody(endpoint.model, mode) });
        const response = await fetch(endpoint.url, { method: 'POST', headers: { ...endpoint.headers, 'content-type': 'application/json' }, body: requestBody(endpoint.model, mode) });
        const text = await response.text();
        const ok = response.status === 200 && text.includes('Hello') && (mode === 'plain' || text.includes('[DONE]'));
        if (!ok) throw new Error(`${target} ${mode}: ${response.status} ${text.slice(0, 1000)}`);
      }
    }

    progress('warming up (3 s per target and mode)…');
    for (const target of TARGETS) for (const mode of ['plain', 'stream'] as const) await closedLoop(endpoints(false)[target], mode, 10, 3);

    const closed: ClosedRow[] = [];
    for (const mode of ['plain', 'stream'] as const) {
      for (const connections of CONNECTIONS) {
        for (const target of TARGETS) {
          const server = processOf[target];
          const cpuBefore = await server.cpuMs();
          const mockBefore = await mock.cpuMs();
          const started = performance.now();
          const result = await closedLoop(endpoints(false)[target], mode, connections, DURATION_S);
          const elapsed = performance.now() - started;
          const cpu = (await server.cpuMs()) - cpuBefore;
          const mockCpu = (await mock.cpuMs()) - mockBefore;
          const requests = result.requests.total;
          const row: ClosedRow = {
            target,
            mode,
            connections,
            rps: result.requests.average,
            p50: result.latency.p50,
            p99: result.latency.p99,
            requests,
            failures: result.non2xx + result.errors + result.timeouts,
            cpuMsPerRequest: requests ? cpu / requests : Number.NaN,
            cpuPercent: (cpu / elapsed) * 100,
            mockCpuMsPerRequest: requests ? mockCpu / requests : Number.NaN,
          };
          closed.push(row);
          progress(
            `closed loop ${mode} c=${connections} ${target}: ${row.rps.toFixed(0)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, ` +
              `CPU ${row.cpuMsPerRequest.toFixed(3)} ms/req (${row.cpuPercent.toFixed(0)}%), failures ${row.failures}`,
          );
        }
      }
    }

    const paced: PacedRow[] = [];
    for (const mode of ['plain', 'stream'] as const) {
      for (const target of TARGETS) {
        const endpoint = endpoints(mode === 'stream')[target];
        const target_: PacedTarget = { url: endpoint.url, headers: endpoint.headers, body: requestBody(endpoint.model, mode) };
        const result = await pacedLoad(target_, PACED_RATE, PACED_S);
        const row: PacedRow = {
          target,
          mode,
          sent: result.sent,
          failed: result.failed,
          p50: percentile(result.latencyMs, 0.5),
          p99: percentile(result.latencyMs, 0.99),
          firstChunkP50: percentile(result.firstChunkMs, 0.5),
          firstChunkP99: percentile(result.firstChunkMs, 0.99),
          maxLagMs: result.maxLagMs,
        };
        paced.push(row);
        progress(
          `paced ${PACED_RATE}/s ${mode} ${target}: p50 ${row.p50.toFixed(2)} ms, p99 ${row.p99.toFixed(2)} ms, first chunk p50 ${row.firstChunkP50.toFixed(2)} ms ` +
            `p99 ${row.firstChunkP99.toFixed(2)} ms, failed ${row.failed}, sender lag ≤ ${row.maxLagMs.toFixed(1)} ms`,
        );
      }
    }

    const memory: Record<string, { rssMiB: number; peakMiB: number }> = {};
    for (const server of [mock, strata, portkey, floor]) memory[server.name] = await server.memory();
    // The usage writer flushes in batches: give it a moment, then show what was accounted.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const accounted = await accountedRequests(strataUrl, ownerKey);

    report(closed, paced, memory, accounted, database !== null, [loadBefore, os.loadavg()]);
  } finally {
    for (const server of servers.reverse()) await server.stop().catch(() => undefined);
    await database?.drop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
}

function report(
  closed: ClosedRow[],
  paced: PacedRow[],
  memory: Record<string, { rssMiB: number; peakMiB: number }>,
  accounted: string,
  server: boolean,
  load: [number[], number[]],
): void {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines: string[] = [];
  lines.push(`Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ${os.platform()} ${os.release()}`);
  // Other work on the machine skews every figure: say how busy it was.
  lines.push(`Load average (1/5/15 min) at start ${load[0].map((x) => x.toFixed(1)).join('/')}, at end ${load[1].map((x) => x.toFixed(1)).join('/')}.`);
  lines.push(
    `Strata database: ${server ? 'PostgreSQL server (BENCH_DATABASE_URL)' : 'embedded (PGlite)'}; Strata API workers (STRATA_API_WORKERS): ${STRATA_WORKERS}` +
      `${STRATA_WORKERS > 1 ? ' (CPU and memory summed over primary and workers)' : ''}; closed loop ${DURATION_S} s per cell, paced ${PACED_S} s at ${PACED_RATE}/s.`,
  );
  lines.push('', '### Closed loop (autocannon)', '', '| mode | connections | target | req/s | p50 ms | p99 ms | CPU ms/req (server) | server CPU % | failures |', '|---|---|---|---|---|---|---|---|---|');
  for (const row of closed) {
    lines.push(
      `| ${row.mode} | ${row.connections} | ${row.target} | ${row.rps.toFixed(0)} | ${row.p50} | ${row.p99} | ${row.cpuMsPerRequest.toFixed(3)} | ${row.cpuPercent.toFixed(0)} | ${row.failures} |`,
    );
  }
  lines.push('', '### Throughput ratio Strata / Portkey', '', '| mode | connections | Strata req/s | Portkey req/s | ratio |', '|---|---|---|---|---|');
  for (const mode of ['plain', 'stream'] as const) {
    for (const connections of CONNECTIONS) {
      const s = closed.find((row) => row.mode === mode && row.connections === connections && row.target === 'strata');
      const p = closed.find((row) => row.mode === mode && row.connections === connections && row.target === 'portkey');
      if (s && p) lines.push(`| ${mode} | ${connections} | ${s.rps.toFixed(0)} | ${p.rps.toFixed(0)} | ${(s.rps / p.rps).toFixed(2)}× |`);
    }
  }
  lines.push(
    '',
    `### Paced ${PACED_RATE} requests/s (open loop)`,
    '',
    '| mode | target | p50 ms | p99 ms | added p50 | added p99 | first chunk p50 | first chunk p99 | added first chunk p50 | failed |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const row of paced) {
    const direct = paced.find((other) => other.mode === row.mode && other.target === 'direct') as PacedRow;
    const added = (value: number, base: number) => (row.target === 'direct' ? '' : `${(value - base).toFixed(2)}`);
    lines.push(
      `| ${row.mode} | ${row.target} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${added(row.p50, direct.p50)} | ${added(row.p99, direct.p99)} | ` +
        `${row.firstChunkP50.toFixed(2)} | ${row.firstChunkP99.toFixed(2)} | ${added(row.firstChunkP50, direct.firstChunkP50)} | ${row.failed} |`,
    );
  }
  // What the gateways add beyond the hop itself: the floor's added latency is any Node proxy's here.
  for (const mode of ['plain', 'stream'] as const) {
    const of = (target: TargetName) => paced.find((row) => row.mode === mode && row.target === target);
    const [floor, strata, portkey] = [of('floor'), of('strata'), of('portkey')];
    if (!floor || !strata || !portkey) continue;
    const beyond = (row: PacedRow) => `p50 +${(row.p50 - floor.p50).toFixed(2)} ms, first chunk p50 +${(row.firstChunkP50 - floor.firstChunkP50).toFixed(2)} ms`;
    lines.push('', `Beyond the floor (${mode}): Strata ${beyond(strata)}; Portkey ${beyond(portkey)}.`);
  }
  lines.push('', '### Memory after the run', '', '| process | RSS MiB | peak RSS MiB |', '|---|---|---|');
  for (const [name, value] of Object.entries(memory)) lines.push(`| ${name} | ${value.rssMiB.toFixed(0)} | ${value.peakMiB.toFixed(0)} |`);
  lines.push('', `Strata usage accounted during the run: ${accounted}`);
  const text = lines.join('\n');
  console.log(text);
  void writeFile(path.join(os.tmpdir(), 'strata-model-gateway-bench.md'), `${text}\n`).catch(() => undefined);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
