/**
 * Tracing overhead: the latency an API request gains from the OpenTelemetry SDK. Starts the built
 * API (`dist/apps/api`, build first: `npx nx run api:build`) three times side by side on fresh
 * embedded databases, STRATA_TELEMETRY=off, on (trace store + /metrics), and on with OTLP/HTTP
 * export to a local receiver, then sends the same sequential requests to each in rotation, so
 * that all three see the same machine state. Prints a Markdown table.
 *
 *   npx tsx --tsconfig tsconfig.base.json bench/tracing.bench.ts   (BENCH_REQUESTS=2000 by default)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROUTE = '/system/status';
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

interface Variant {
  name: string;
  env: Record<string, string>;
  base?: string;
  stop?: () => Promise<void>;
  latencies: number[];
}

async function start(variant: Variant): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'strata-bench-tracing-'));
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(process.execPath, ['--import', './dist/apps/api/telemetry.js', 'dist/apps/api/main.js'], {
    env: { ...process.env, PORT: String(port), STRATA_DATA_DIR: dataDir, STRATA_ADMIN_DIST: '', LOG_LEVEL: 'warn', NODE_ENV: 'production', ...variant.env },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  for (;;) {
    try {
      if ((await fetch(`${base}/health/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 120_000) throw new Error(`${variant.name}: not ready within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  variant.base = base;
  variant.stop = async () => {
    child.kill('SIGTERM');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  };
}

async function main(): Promise<void> {
  const requests = Number(process.env['BENCH_REQUESTS'] ?? 2000);
  const warmup = Math.min(200, Math.floor(requests / 10));

  let exported = 0;
  const receiver = createServer((request, response) => {
    request.resume().on('end', () => {
      exported += 1;
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const otlp = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const variants: Variant[] = [
    { name: 'STRATA_TELEMETRY=off', env: { STRATA_TELEMETRY: 'off' }, latencies: [] },
    { name: 'on (trace store queue, /metrics)', env: { STRATA_TELEMETRY: 'on' }, latencies: [] },
    { name: 'on + OTLP/HTTP protobuf export', env: { STRATA_TELEMETRY: 'on', OTEL_EXPORTER_OTLP_ENDPOINT: otlp, OTEL_METRIC_EXPORT_INTERVAL: '5000' }, latencies: [] },
  ];
  process.stderr.write('› starting three API processes…\n');
  for (const variant of variants) await start(variant);

  process.stderr.write(`› ${warmup} warm-up + ${requests} measured GET ${ROUTE} per variant, in rotation…\n`);
  for (let i = 0; i < warmup + requests; i += 1) {
    // Rotate the order so no variant always follows the same one.
    for (let k = 0; k < variants.length; k += 1) {
      const variant = variants[(i + k) % variants.length];
      const t = performance.now();
      const response = await fetch(`${variant.base}${ROUTE}`);
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${variant.name}: ${response.status}`);
      if (i >= warmup) variant.latencies.push(performance.now() - t);
    }
  }
  for (const variant of variants) await variant.stop?.();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));

  const [off] = variants;
  const offP50 = percentile(off.latencies, 0.5);
  const offP95 = percentile(off.latencies, 0.95);
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ${os.platform()} ${os.release()}`);
  console.log(`GET ${ROUTE} (embedded database, keep-alive, sequential), ${requests} requests per variant; OTLP requests received: ${exported}\n`);
  console.log('| variant | p50 | p95 | p99 | p50 vs off | p95 vs off |');
  console.log('|---|---|---|---|---|---|');
  for (const variant of variants) {
    const p50 = percentile(variant.latencies, 0.5);
    const p95 = percentile(variant.latencies, 0.95);
    const p99 = percentile(variant.latencies, 0.99);
    const delta = (value: number, base: number) => (variant === off ? '' : `${value - base >= 0 ? '+' : ''}${(value - base).toFixed(2)} ms`);
    console.log(`| ${variant.name} | ${p50.toFixed(2)} ms | ${p95.toFixed(2)} ms | ${p99.toFixed(2)} ms | ${delta(p50, offP50)} | ${delta(p95, offP95)} |`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
