/**
 * Authorization check latency: compiling a principal's ability (once per request), checking one
 * record in memory, and the full `AuthorizationService.authorize` path with its stored decision
 * (mutations) and without (reads). Runs on PGlite, or on a server with BENCH_DATABASE_URL /
 * TEST_DATABASE_URL. Prints a Markdown table.
 *
 *   npx tsx --tsconfig tsconfig.base.json bench/authorization.bench.ts
 */
import os from 'node:os';
import { subject } from '@casl/ability';
import { newId, RequestContextStore } from '@strata/kernel';
import type { PrismaService } from '@strata/db';
import {
  AuthorizationService,
  BUILT_IN_ROLES,
  DecisionsRepository,
  PermissionCatalog,
  PoliciesRepository,
  type PolicyRule,
} from '@strata/governance';
import { createTestDatabase } from '@strata/testing';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
}

async function time(iterations: number, fn: () => unknown): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return samples;
}

async function main(): Promise<void> {
  const serverUrl = process.env['BENCH_DATABASE_URL'] || process.env['TEST_DATABASE_URL'] || undefined;
  const db = await createTestDatabase({ serverUrl });
  try {
    const prisma = db.prisma as PrismaService;
    const tenantId = newId();
    await prisma.tenant.create({ data: { id: tenantId, slug: 'bench', name: 'Bench' } });
    // A realistic custom policy: 20 rules with conditions and fields on top of the built-in roles.
    const rules: PolicyRule[] = Array.from({ length: 20 }, (_, i) => ({
      roles: ['builder'],
      action: i % 2 ? 'read' : 'update',
      subject: 'ServiceAccount',
      conditions: { name: { startsWith: `team-${i}-` } },
      ...(i % 2 ? {} : { fields: ['description'] }),
    }));
    await prisma.policyVersion.create({ data: { id: newId(), tenantId, version: 1, rules: rules as never } });

    const catalog = new PermissionCatalog();
    const authorization = new AuthorizationService(catalog, new PoliciesRepository(prisma), new DecisionsRepository(prisma));
    const actor = { type: 'user' as const, id: newId(), roles: ['builder', 'approver'] };
    const record = { id: newId(), name: 'team-4-bot', description: 'x', roles: ['viewer'] };
    const rows: Array<[string, number, number[]]> = [];

    await RequestContextStore.run({ requestId: newId(), tenantId, actor }, async () => {
      await authorization.ability();
      rows.push(['compile the ability (load policy + CASL), once per request', 500, await time(500, () => authorization.compileFor({ tenantId, actor }, undefined))]);
      const { ability } = await authorization.ability();
      rows.push(['check one record in memory (`ability.can`, conditions + field)', 100_000, await time(100_000, () => ability.can('update', subject('ServiceAccount', record), 'description'))]);
      rows.push(['`authorize(read, record)`: cached ability, no stored decision', 5_000, await time(5_000, () => authorization.authorize('read', 'ServiceAccount', record))]);
      rows.push(['`authorize(update, record, fields)`: decision stored', 1_000, await time(1_000, () => authorization.authorize('update', 'ServiceAccount', record, { fields: ['description'] }))]);
    });

    const [{ version }] = await db.query<{ version: string }>(`SELECT split_part(version(), ' on ', 1) AS version`);
    console.log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.versions.node}; database: ${db.kind} (${version}); roles: ${BUILT_IN_ROLES.length} built-in + 20 custom rules\n`);
    console.log('| measure | iterations | median | p99 |');
    console.log('|---|---|---|---|');
    for (const [what, n, samples] of rows) {
      const unit = (ms: number) => (ms < 0.1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);
      console.log(`| ${what} | ${n} | ${unit(percentile(samples, 0.5))} | ${unit(percentile(samples, 0.99))} |`);
    }
  } finally {
    await db.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
