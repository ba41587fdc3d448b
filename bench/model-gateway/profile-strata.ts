/**
 * Ad-hoc CPU profile of the built API under load (not part of `npm run bench`): mock upstream,
 * Strata on a fresh database of BENCH_DATABASE_URL (bench setup: budgets, key), autocannon at
 * PROFILE_CONNECTIONS (50) for PROFILE_SECONDS (8) against /v1/chat/completions (PROFILE_MODE plain|
 * stream), with `--cpu-prof` into PROFILE_DIR; then self time by package. Throughput and CPU per
 * request are printed too. Usage:
 *   BENCH_DATABASE_URL=postgresql://… npx tsx --tsconfig tsconfig.base.json bench/model-gateway/profile-strata.ts
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { createBenchDatabase } from '../bench-database';
import { startServer } from './server-process';
import { setUpStrata } from './strata-setup';

const SECONDS = Number(process.env['PROFILE_SECONDS'] ?? 8);
const CONNECTIONS = Number(process.env['PROFILE_CONNECTIONS'] ?? 50);
const MODE = process.env['PROFILE_MODE'] ?? 'plain';
const DIR = process.env['PROFILE_DIR'] ?? os.tmpdir();

interface Node {
  id: number;
  callFrame: { url: string; functionName: string };
  children?: number[];
}

function packageOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:internal/deps/')) return `node:internal/deps/${url.slice(19).split('/')[0]}`;
  if (url.startsWith('node:internal/')) return `node:internal/${url.slice(14).split('/')[0]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  if (url.includes('dist/apps/api/')) return 'strata bundle';
  return url;
}

async function main(): Promise<void> {
  const serverUrl = process.env['BENCH_DATABASE_URL'];
  if (!serverUrl) throw new Error('BENCH_DATABASE_URL is required');
  const database = await createBenchDatabase(serverUrl, 'gateway_profile');
  const name = new URL(database.url).pathname.slice(1);
  // For the database's statistics (pg_stat_database) while the load runs.
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const profDir = await mkdtemp(path.join(DIR, 'strata-prof-'));
  const mock = await startServer('mock', ['--import', 'tsx', 'bench/model-gateway/mock-upstream.ts'], { ready: (out) => /MOCK_LISTENING \d+/.test(out) });
  const mockUrl = `http://127.0.0.1:${/MOCK_LISTENING (\d+)/.exec(mock.output())?.[1]}`;
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const strata = await startServer('strata', ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--import', './dist/apps/api/telemetry.js', 'dist/apps/api/main.js'], {
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      STRATA_BOOTSTRAP: 'always',
      STRATA_ADMIN_DIST: '',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url,
      ...(process.env['STRATA_API_WORKERS'] ? { STRATA_API_WORKERS: process.env['STRATA_API_WORKERS'] } : {}),
    },
    // Several API workers: worker 1 prints the key before the others listen; wait for all.
    ready: (out) => /strata_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/.test(out) && (Number(process.env['STRATA_API_WORKERS'] ?? 1) <= 1 || /API workers serving/.test(out)),
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    const key = /strata_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/.exec(strata.output())?.[0] as string;
    const setup = await setUpStrata(base, key, mockUrl);
    const body = JSON.stringify({
      model: 'bench',
      messages: [{ role: 'user', content: 'Say hello in one short sentence.' }],
      max_tokens: 32,
      ...(MODE === 'stream' ? { stream: true, stream_options: { include_usage: true } } : {}),
    });
    const load = (duration: number) =>
      autocannon({
        url: `${base}/v1/chat/completions`,
        method: 'POST',
        headers: { authorization: `Bearer ${setup.apiKey}`, 'content-type': 'application/json' },
        body,
        connections: CONNECTIONS,
        duration,
      });
    await load(3);
    // Database work per request: transactions and rows written in the bench database.
    const dbStats = async () =>
      (await admin.query<{ xacts: string; written: string }>(
        `SELECT xact_commit + xact_rollback AS xacts, tup_inserted + tup_updated + tup_deleted AS written FROM pg_stat_database WHERE datname = $1`,
        [name],
      )).rows[0] as { xacts: string; written: string };
    const statsBefore = await dbStats();
    const cpuBefore = await strata.cpuMs();
    const result = await load(SECONDS);
    const cpu = (await strata.cpuMs()) - cpuBefore;
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // the stats collector's delay, and the last batches
    const statsAfter = await dbStats();
    const perRequest = (field: 'xacts' | 'written') => ((Number(statsAfter[field]) - Number(statsBefore[field])) / result.requests.total).toFixed(3);
    console.log(`database per request: ${perRequest('xacts')} transactions, ${perRequest('written')} rows written (pg_stat_database, incl. trace store, usage, budgets)`);
    console.log(`load ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}; ${MODE} ${CONNECTIONS} conns: ${result.requests.average} req/s, p50 ${result.latency.p50} p99 ${result.latency.p99}, non2xx ${result.non2xx} errors ${result.errors}; CPU ${(cpu / result.requests.total).toFixed(3)} ms/req; RSS ${JSON.stringify(await strata.memory())}`);
  } finally {
    await strata.stop();
    await mock.stop();
    await admin.end();
    await database.drop();
  }
  for (const file of (await readdir(profDir)).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(await readFile(path.join(profDir, file), 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; endTime: number; startTime: number };
    // Only the measured load window: samples in the last SECONDS (+ the stop) of the process's life.
    const from = profile.endTime - (SECONDS + 1.5) * 1e6;
    let at = profile.startTime;
    const times = profile.timeDeltas.map((delta) => (at += delta));
    const stopAt = profile.endTime - 1.5e6;
    profile.samples = profile.samples.filter((_, index) => (times[index] ?? 0) >= from && (times[index] ?? 0) <= stopAt);
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    const fns = new Map<string, number>();
    for (const sample of profile.samples) {
      const node = byId.get(sample);
      if (!node) continue;
      const pkg = packageOf(node.callFrame.url, node.callFrame.functionName);
      self.set(pkg, (self.get(pkg) ?? 0) + 1);
      const fn = `${pkg} ${node.callFrame.functionName || '(anon)'}`;
      fns.set(fn, (fns.get(fn) ?? 0) + 1);
    }
    const total = profile.samples.length;
    console.log(`\n${file}: ${total} samples (load window)`);
    for (const [pkg, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${((n / total) * 100).toFixed(1).padStart(5)}%  ${pkg}`);
    console.log('top functions:');
    for (const [fn, n] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${((n / total) * 100).toFixed(1).padStart(5)}%  ${fn}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
