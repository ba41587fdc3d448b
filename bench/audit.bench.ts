/**
 * Audit log benchmarks: append throughput of concurrent writers on one tenant's chain (group
 * commit, and appends inside the caller's transaction), then the verifier's speed over that
 * chain. Needs a PostgreSQL server: BENCH_DATABASE_URL or TEST_DATABASE_URL (a superuser URL; a
 * scratch database is created and dropped). Prints a Markdown table.
 *
 *   TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npx tsx --tsconfig tsconfig.base.json bench/audit.bench.ts
 */
import os from 'node:os';
import { newId, RequestContextStore, SystemClock } from '@strata/kernel';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type PrismaService } from '@strata/db';
import { createTestDatabase } from '@strata/testing';
import { AuditCheckpointsRepository, AuditEntriesRepository, AuditKeyRing, AuditLog, AuditVerifier } from '@strata/governance';

interface Row {
  what: string;
  entries: number;
  seconds: number;
  rate: number;
}

function progress(message: string): void {
  process.stderr.write(`› ${message}\n`);
}

async function main(): Promise<void> {
  const serverUrl = process.env['BENCH_DATABASE_URL'] || process.env['TEST_DATABASE_URL'];
  if (!serverUrl) throw new Error('Set BENCH_DATABASE_URL or TEST_DATABASE_URL to a PostgreSQL server (superuser URL).');
  const writers = Number(process.env['BENCH_WRITERS'] ?? 16);
  const perWriter = Number(process.env['BENCH_PER_WRITER'] ?? 2000);
  const db = await createTestDatabase({ serverUrl });
  const rows: Row[] = [];
  const [{ version: server }] = await db.query<{ version: string }>(`SELECT split_part(version(), ' on ', 1) AS version`);
  try {
    const prisma = db.prisma as PrismaService;
    const entries = new AuditEntriesRepository(prisma);
    const log = new AuditLog(prisma, entries, new SystemClock(), { dataDir: os.tmpdir(), checkpointEvery: 1000, checkpointIntervalMs: 0 }, db.runtime);
    const details = { apiKeyId: newId(), roles: ['viewer', 'builder'], note: 'benchmark entry of typical size' };

    // Four AuditLogs with their own pools stand for four API processes appending to one chain.
    const processes = Array.from({ length: 4 }, () => {
      const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, max: 4 }) }) as PrismaService;
      return { client, log: new AuditLog(client, new AuditEntriesRepository(client), new SystemClock(), { dataDir: os.tmpdir(), checkpointEvery: 1000, checkpointIntervalMs: 0 }, db.runtime) };
    });

    const run = async (what: string, tenantId: string, mode: 'one' | 'transaction' | 'processes') => {
      progress(`${what}: ${writers} writers × ${perWriter} entries…`);
      const started = performance.now();
      await Promise.all(
        Array.from({ length: writers }, (_, w) =>
          RequestContextStore.run({ requestId: `bench-${w}`, tenantId, actor: { type: 'service_account', id: `sa-${w}` }, ip: '10.0.0.1' }, async () => {
            for (let i = 0; i < perWriter; i += 1) {
              const event = { action: 'api_key.use', outcome: 'success' as const, target: { type: 'ApiKey', id: details.apiKeyId }, details };
              if (mode === 'transaction') await prisma.$transaction((tx) => log.append(event, tx));
              else if (mode === 'processes') await processes[w % processes.length].log.append(event);
              else await log.append(event);
            }
          }),
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      rows.push({ what, entries: writers * perWriter, seconds, rate: (writers * perWriter) / seconds });
    };

    const tenantId = newId();
    await run(`append, group commit, ${writers} concurrent writers, one tenant`, tenantId, 'one');
    await run(`append, group commit, ${writers} concurrent writers spread over 4 processes, one tenant`, newId(), 'processes');
    await run(`append inside the caller's transaction, ${writers} concurrent writers, one tenant`, newId(), 'transaction');

    progress('verifying the first chain…');
    const verifier = new AuditVerifier(entries, new AuditCheckpointsRepository(prisma), new AuditKeyRing([]));
    const started = performance.now();
    const result = await verifier.verify(tenantId);
    const seconds = (performance.now() - started) / 1000;
    if (!result.ok) throw new Error(`verification failed: ${JSON.stringify(result.firstProblem)}`);
    rows.push({ what: 'verify one tenant’s chain (batches of 1,000)', entries: result.checkedEntries, seconds, rate: result.checkedEntries / seconds });
    await log.onModuleDestroy();
    for (const { client, log: other } of processes) {
      await other.onModuleDestroy();
      await client.$disconnect();
    }
  } finally {
    await db.close();
  }

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ${os.platform()} ${os.release()}; ${server}\n`);
  console.log('| measure | entries | seconds | entries/s |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.what} | ${row.entries} | ${row.seconds.toFixed(2)} | ${Math.round(row.rate)} |`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
