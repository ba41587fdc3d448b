/**
 * Ontology graph queries at scale: 100k objects and 500k links generated on a PostgreSQL server,
 * then 3-hop traversals (target: p50 ≤ 50 ms returning ≤ 1,000 objects), filtered and sorted
 * queries, aggregations, text search, and the bulk import rate through the import service (one
 * transaction per 2,000 rows by default (BENCH_ONTOLOGY_IMPORT_ROWS) through the batched object writer: validation, history, events, audit).
 *
 *   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:55432/postgres npm run bench:ontology
 *
 * Needs a server (a fresh database is created on it from the migrated template). Prints Markdown.
 */
import os from 'node:os';
import { ImportService, OntologyQueriesService, SchemaRepository, linkTypeDefinitionSchema, objectTypeDefinitionSchema } from '@strata/ontology';
import { PrismaService } from '@strata/db';
import { newId, RequestContextStore, type Actor } from '@strata/kernel';
import { createTestDatabase } from '@strata/testing';
import { generateGraph, random, REGIONS, word } from './ontology/generate-graph';
import { startOntologyApp } from './ontology/ontology-bench-app';

const OBJECTS = Number(process.env['BENCH_ONTOLOGY_OBJECTS'] ?? 100_000);
const LINKS = Number(process.env['BENCH_ONTOLOGY_LINKS'] ?? 500_000);
/** Rows per import request (one transaction each). */
const IMPORT_ROWS = Number(process.env['BENCH_ONTOLOGY_IMPORT_ROWS'] ?? 2_000);

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] as number;

interface Row {
  what: string;
  runs: number;
  p50: number;
  p95: number;
  result: string;
}

async function main(): Promise<void> {
  const serverUrl = process.env['BENCH_DATABASE_URL'] || process.env['TEST_DATABASE_URL'];
  if (!serverUrl) {
    // Skipped, not failed: `npm run bench` runs everywhere, this part only where a server is configured.
    console.error('Skipped: the ontology benchmark runs on a PostgreSQL server; set BENCH_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:55432/postgres).');
    return;
  }
  const db = await createTestDatabase({ serverUrl });
  const moduleRef = await startOntologyApp(db.runtime);
  try {
    const prisma = moduleRef.get(PrismaService);
    const tenantId = newId();
    const actor: Actor = { type: 'user', id: newId(), roles: ['viewer', 'builder'] };
    const as = <T>(fn: () => Promise<T>) => RequestContextStore.run({ requestId: newId(), tenantId, actor }, fn);
    await prisma.tenant.create({ data: { id: tenantId, slug: 'bench-ontology', name: 'Bench' } });
    await as(() =>
      prisma.$transaction(async (tx) => {
        const schema = moduleRef.get(SchemaRepository);
        await schema.createObjectType(
          objectTypeDefinitionSchema.parse({
            apiName: 'Entity',
            primaryKey: 'key',
            titleProperty: 'name',
            properties: [
              { apiName: 'key', type: 'string', required: true },
              { apiName: 'name', type: 'string', required: true },
              { apiName: 'region', type: 'enum', enumValues: REGIONS },
              { apiName: 'revenue', type: 'decimal' },
              { apiName: 'employees', type: 'integer' },
              { apiName: 'founded', type: 'date' },
              { apiName: 'active', type: 'boolean' },
            ],
          }),
          1,
          tx,
        );
        for (const apiName of ['supplies', 'owns']) {
          await schema.createLinkType(linkTypeDefinitionSchema.parse({ apiName, fromTypeApiName: 'Entity', toTypeApiName: 'Entity', cardinality: 'many_to_many' }), 1, tx);
        }
      }),
    );
    const graph = await generateGraph(db.url, tenantId, OBJECTS, LINKS);
    const queries = moduleRef.get(OntologyQueriesService);
    const next = random(7);
    const pick = () => graph.objectIds[Math.floor(next() * graph.objectIds.length)] as string;
    const rows: Row[] = [];

    async function measure(what: string, runs: number, fn: () => Promise<number>): Promise<void> {
      await as(fn); // warm-up
      const samples: number[] = [];
      const sizes: number[] = [];
      for (let i = 0; i < runs; i += 1) {
        const started = performance.now();
        sizes.push(await as(fn));
        samples.push(performance.now() - started);
      }
      const sorted = [...sizes].sort((a, b) => a - b);
      rows.push({ what, runs, p50: percentile(samples, 0.5), p95: percentile(samples, 0.95), result: `${sorted[0]}–${sorted.at(-1)} (median ${percentile(sizes, 0.5)})` });
      process.stderr.write(`› ${what}: p50 ${percentile(samples, 0.5).toFixed(1)} ms\n`);
    }

    const both = ['supplies', 'owns'];
    await measure('traverse 3 hops out (both link types) from 1 object', 200, async () =>
      (await queries.traverse({ start: { objectIds: [pick()] }, hops: [{ linkTypes: both }, { linkTypes: both }, { linkTypes: both }] })).objects.length,
    );
    await measure('traverse 3 hops out from 8 objects (≤ 1,000 returned)', 200, async () =>
      (await queries.traverse({ start: { objectIds: Array.from({ length: 8 }, pick) }, hops: [{ linkTypes: both }, { linkTypes: both }, { linkTypes: both }], limit: 1000 })).objects.length,
    );
    await measure('traverse 3 hops, both directions, filter per hop, paths, all levels', 100, async () =>
      (
        await queries.traverse({
          start: { objectIds: [pick()] },
          hops: [
            { linkTypes: ['supplies'], direction: 'both', filter: { property: 'active', op: 'eq', value: true } },
            { linkTypes: both, direction: 'both', filter: { property: 'employees', op: 'gt', value: 500 } },
            { linkTypes: ['supplies'], direction: 'both', filter: { property: 'region', op: 'in', value: REGIONS.slice(0, 6) } },
          ],
          return: 'all',
          includePaths: true,
          limit: 1000,
        })
      ).objects.length,
    );
    await measure('query: region = x AND revenue > y, sort revenue desc, 100 rows', 100, async () =>
      (
        await queries.query({
          objectType: 'Entity',
          filter: { and: [{ property: 'region', op: 'eq', value: REGIONS[Math.floor(next() * REGIONS.length)] as string }, { property: 'revenue', op: 'gt', value: 50_000 }] },
          sort: [{ property: 'revenue', direction: 'desc' }],
          limit: 100,
        })
      ).items.length,
    );
    await measure('query: name contains a word (ILIKE scan), 100 rows', 50, async () =>
      (await queries.query({ objectType: 'Entity', filter: { property: 'name', op: 'contains', value: word(next) }, limit: 100 })).items.length,
    );
    await measure('query: unfiltered keyset page of 100', 100, async () => (await queries.query({ objectType: 'Entity', limit: 100 })).items.length);
    await measure('aggregate: count, sum, avg, max by region (100k objects)', 30, async () =>
      (
        await queries.aggregate({
          objectType: 'Entity',
          groupBy: 'region',
          metrics: [{ op: 'count' }, { op: 'sum', property: 'revenue' }, { op: 'avg', property: 'employees' }, { op: 'max', property: 'founded' }],
        })
      ).groups.length,
    );
    await measure('aggregate: count and avg where active and employees > 1000', 30, async () =>
      (
        await queries.aggregate({
          objectType: 'Entity',
          filter: { and: [{ property: 'active', op: 'eq', value: true }, { property: 'employees', op: 'gt', value: 1000 }] },
          metrics: [{ op: 'count' }, { op: 'avg', property: 'revenue' }],
        })
      ).groups.length,
    );
    await measure('search: one word (full-text index), 20 rows', 100, async () =>
      (await queries.search({ q: graph.words[Math.floor(next() * graph.words.length)] as string, type: 'Entity' })).items.length,
    );

    // Bulk import through the import service (one transaction per request, like one CSV file).
    const importer = moduleRef.get(ImportService);
    const importRows = (run: number) =>
      Array.from({ length: IMPORT_ROWS }, (_, i) => ({ key: `I${run}-${i}`, name: `${word(next)} imported ${i}`, region: REGIONS[i % REGIONS.length], revenue: i * 1.5, employees: i % 700, active: i % 3 > 0 }));
    const importSamples: number[] = [];
    let imported = 0;
    for (let run = 0; run < 4; run += 1) {
      const rowsToImport = importRows(run);
      const started = performance.now();
      const report = await as(() => importer.import({ typeApiName: 'Entity', mode: 'create', format: 'json', rows: rowsToImport }, run === 0));
      importSamples.push(performance.now() - started);
      if (run > 0) imported += report.created;
    }
    const commitMs = importSamples.slice(1).reduce((a, b) => a + b, 0);

    const [{ version }] = await db.query<{ version: string }>(`SELECT split_part(version(), ' on ', 1) AS version`);
    const [{ size }] = await db.query<{ size: string }>(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`);
    console.log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}; ${version}; database ${size}\n`);
    console.log(`Generated ${OBJECTS.toLocaleString('en')} objects in ${(graph.objectsMs / 1000).toFixed(1)} s and ${graph.links.toLocaleString('en')} links in ${(graph.linksMs / 1000).toFixed(1)} s (multi-row inserts of 10,000).\n`);
    console.log('| measure | runs | p50 | p95 | objects / rows returned |');
    console.log('|---|---|---|---|---|');
    for (const row of rows) console.log(`| ${row.what} | ${row.runs} | ${row.p50.toFixed(1)} ms | ${row.p95.toFixed(1)} ms | ${row.result} |`);
    console.log(`| bulk import, dry run, ${IMPORT_ROWS} rows | 1 | ${(importSamples[0] as number).toFixed(0)} ms | | ${Math.round(IMPORT_ROWS / ((importSamples[0] as number) / 1000))} rows/s |`);
    console.log(`| bulk import, committed, 3 × ${IMPORT_ROWS} rows | 3 | ${percentile(importSamples.slice(1), 0.5).toFixed(0)} ms | | ${Math.round(imported / (commitMs / 1000))} rows/s |`);
  } finally {
    await moduleRef.close();
    await db.close();
  }
}

await main();
