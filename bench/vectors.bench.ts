/**
 * Vector search benchmark on a PostgreSQL server (issue 7): 100k generated chunks × 384 dimensions
 * in one collection, plus a 1% metadata filter inside it and a tenant holding 1% as many rows in the
 * same table (so in the same partial HNSW index). Measures, in one run:
 * - the search statement alone (the service's own kNN SQL, `ChunkSearchRepository.nearestStatement`,
 *   as a hand-written client runs it: hnsw settings set once per connection, one round trip): HNSW
 *   p50/p99 and recall@10 against the exact scan's top 10 (also timed), for the whole collection,
 *   the 1% filter and the 1% tenant;
 * - the HTTP API (`POST /vectors/collections/:id/search`, the built bundle in its own process, an API
 *   key of role viewer; the query as a vector and as text) against that raw statement on the same
 *   data and query vectors, interleaved, and against the floor: the raw statement behind a minimal
 *   HTTP server in its own process (vectors/raw-search-server.ts), what the HTTP hop alone costs;
 * - ingestion throughput through the real path (REST → queue → worker → extraction, chunking,
 *   embedding with the local hashing embedder in batches, chunks written with the HNSW index live).
 * Generated vectors are clustered (topic clusters in a 24-dimensional latent space mapped into 384
 * dimensions, plus noise), not uniform noise: on uniform random vectors every point is about equally
 * far from every other and recall means nothing.
 *
 *   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:55432/postgres npm run bench:vectors
 *
 * Needs the built API (`npm run bench:vectors` builds it) and a server (a database is created on it
 * and dropped after). Environment: BENCH_VECTORS_CHUNKS (100000), BENCH_VECTORS_QUERIES (200),
 * BENCH_VECTORS_INGEST_DOCS (40), BENCH_VECTORS_API_NODE_ARGS (extra node flags for the API process,
 * e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). Progress on stderr, Markdown on stdout.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Agent, request, type Dispatcher } from 'undici';
import { newId, RequestContextStore, SystemClock } from '@strata/kernel';
import { HashingEmbeddingModel } from '@strata/model-gateway';
import { DataAccessLog } from '@strata/observability';
import { createTestDatabase } from '@strata/testing';
import { ChunkSearchRepository, SEARCH_RESOURCE_TYPES, VECTOR_PLAN_LIMITS, type ChunkScope, type NearestQuery } from '@strata/vectors';
import { startServer, type ServerProcess } from './model-gateway/server-process';

const CHUNKS = Number(process.env['BENCH_VECTORS_CHUNKS'] ?? 100_000);
const QUERIES = Number(process.env['BENCH_VECTORS_QUERIES'] ?? 200);
const INGEST_DOCS = Number(process.env['BENCH_VECTORS_INGEST_DOCS'] ?? 40);
const DIMENSIONS = 384;
const CLUSTERS = 100;
const K = 10;
const WARMUP = 20;

const progress = (message: string) => process.stderr.write(`› ${message}\n`);
const freePort = () => 20_000 + Math.floor(Math.random() * 20_000);
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? NaN;
const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);

// ---- generated data ----

/** mulberry32: deterministic per seed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(random(), Number.EPSILON))) * Math.cos(2 * Math.PI * random());
}

/** Topic clusters in a 24-dimensional latent space, mapped into 384 dimensions by a fixed random map, plus noise; unit length. */
function clusteredVectors(seed: number): { next(cluster?: number): { vector: Float32Array; cluster: number } } {
  const random = seededRandom(seed);
  const latent = 24;
  const map = Array.from({ length: DIMENSIONS }, () => Float32Array.from({ length: latent }, () => gaussian(random)));
  const centres = Array.from({ length: CLUSTERS }, () => Float32Array.from({ length: latent }, () => gaussian(random) * 1.5));
  const noise = 0.05 * Math.sqrt(latent);
  return {
    next(cluster = Math.floor(random() * CLUSTERS)) {
      const centre = centres[cluster] as Float32Array;
      const point = Float32Array.from(centre, (value) => value + gaussian(random) * 0.7);
      const vector = new Float32Array(DIMENSIONS);
      let norm = 0;
      for (let i = 0; i < DIMENSIONS; i++) {
        const row = map[i] as Float32Array;
        let sum = 0;
        for (let j = 0; j < latent; j++) sum += (row[j] as number) * (point[j] as number);
        vector[i] = sum + gaussian(random) * noise;
        norm += (vector[i] as number) ** 2;
      }
      const scale = 1 / Math.sqrt(norm);
      for (let i = 0; i < DIMENSIONS; i++) vector[i] = (vector[i] as number) * scale;
      return { vector, cluster };
    },
  };
}

const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber basil cedar dune ember fjord grove harbor iris jade'.split(' ');

function generatedText(random: () => number, cluster: number, index: number): string {
  const words = Array.from({ length: 12 }, () => WORDS[Math.floor(random() * WORDS.length)]);
  return `Generated chunk ${index} of topic ${cluster}: ${words.join(' ')}.`;
}

const vectorText = (vector: ArrayLike<number>) => `[${Array.from(vector, (value) => value.toFixed(6)).join(',')}]`;

// ---- helpers ----

interface Api {
  base: string;
  call<T>(key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/**
 * The API's client: undici's `request` on one keep-alive connection, the lean HTTP client, as the
 * raw side's is `pg`. (WHATWG `fetch` costs about 0.35 ms more per request on this machine, which
 * is the client's time, not the API's.)
 */
function apiAt(base: string): Api {
  const dispatcher = new Agent({ connections: 1 });
  return {
    base,
    async call(key, method, urlPath, body) {
      const response = await request(`${base}${urlPath}`, {
        method: method as Dispatcher.HttpMethod,
        dispatcher,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.body.text();
      return { status: response.statusCode, body: (text ? JSON.parse(text) : undefined) as never };
    },
  };
}

async function must<T>(what: string, promise: Promise<{ status: number; body: T }>): Promise<T> {
  const { status, body } = await promise;
  if (status >= 300) throw new Error(`${what}: ${status} ${JSON.stringify(body).slice(0, 1000)}`);
  return body;
}

interface Scope {
  name: string;
  tenantId: string;
  collectionId: string;
  filter?: ChunkScope['filter'];
  rows: number;
  /** Steer the planner onto the HNSW index even where it prefers the btree and a sort (enable_sort = off). */
  forceIndex?: boolean;
}

const repository = new ChunkSearchRepository();

/**
 * The settings a hand-written client needs for the service's answer (hnsw.ef_search as the service
 * uses for top 10, pgvector 0.8's iterative scan, its tuple budget), set ONCE per connection, as a
 * client would on connect; then every search is the bare kNN statement, one round trip in autocommit.
 */
async function configureRawClient(client: pg.PoolClient): Promise<void> {
  await client.query(`SELECT set_config('statement_timeout', '10000', false), set_config('hnsw.ef_search', $1, false), set_config('hnsw.iterative_scan', 'relaxed_order', false), set_config('hnsw.max_scan_tuples', $2, false)`, [
    String(VECTOR_PLAN_LIMITS.efSearchMin),
    String(VECTOR_PLAN_LIMITS.maxScanTuples),
  ]);
}

/** The service's kNN statement (`ChunkSearchRepository.nearestStatement`), as a hand-written client runs it: one statement, session settings. */
async function rawNearest(client: pg.PoolClient, scope: Scope, vector: number[], indexed: boolean): Promise<{ ids: string[]; ms: number }> {
  const query: NearestQuery = { metric: 'cosine', dimensions: DIMENSIONS, vector, limit: K, indexed };
  const statement = RequestContextStore.run({ requestId: 'bench', tenantId: scope.tenantId }, () =>
    repository.nearestStatement({ collectionId: scope.collectionId, filter: scope.filter }, query),
  );
  const started = performance.now();
  const result = await client.query<{ id: string }>(statement.text, statement.values as unknown[]);
  return { ids: result.rows.map((row) => row.id), ms: performance.now() - started };
}

// Only its statement builder is used (recordingSql), which never touches the repository.
const dataAccess = new DataAccessLog(null as never, new SystemClock());

/**
 * The statement the service sends for a vector search on an indexed size, timed alone: the kNN
 * statement with its index settings applied inside it and its data-access records (a write), one
 * round trip in autocommit, as `ChunkSearchRepository.nearestRecorded` runs it.
 */
async function serviceStatement(client: pg.PoolClient, scope: Scope, vector: number[], indexed: boolean): Promise<number> {
  const query: NearestQuery = { metric: 'cosine', dimensions: DIMENSIONS, vector, limit: K, indexed };
  const index = { efSearch: VECTOR_PLAN_LIMITS.efSearchMin, maxScanTuples: VECTOR_PLAN_LIMITS.maxScanTuples };
  const statement = RequestContextStore.run({ requestId: 'bench', tenantId: scope.tenantId, actor: { type: 'service_account', id: BENCH_ACTOR } }, () =>
    repository.nearestStatement({ collectionId: scope.collectionId, filter: scope.filter }, query, index, (chunkIds) =>
      dataAccess.recordingSql([
        { resourceType: SEARCH_RESOURCE_TYPES.collection, resourceIds: [scope.collectionId] },
        { resourceType: SEARCH_RESOURCE_TYPES.chunk, resourceIdsSql: chunkIds },
      ]),
    ),
  );
  const started = performance.now();
  await client.query(statement.text, statement.values as unknown[]);
  return performance.now() - started;
}
const BENCH_ACTOR = newId();

/** The raw statement of a scope for the floor server, with the indexes of the values that carry the query vector. */
function floorStatement(scope: Scope): { text: string; values: unknown[]; vectorAt: number[] } {
  const probe = Array.from({ length: DIMENSIONS }, (_, i) => (i === 0 ? 1 : 0));
  const literal = `[${probe.join(',')}]`;
  const query: NearestQuery = { metric: 'cosine', dimensions: DIMENSIONS, vector: probe, limit: K, indexed: scope.rows > VECTOR_PLAN_LIMITS.exactScanMaxRows };
  const statement = RequestContextStore.run({ requestId: 'bench', tenantId: scope.tenantId }, () =>
    repository.nearestStatement({ collectionId: scope.collectionId, filter: scope.filter }, query),
  );
  const values = statement.values as unknown[];
  return { text: statement.text, values, vectorAt: values.flatMap((value, index) => (value === literal ? [index] : [])) };
}

/** The index the planner picks for the statement (or the scan type), from EXPLAIN. */
async function planOf(client: pg.PoolClient, scope: Scope, vector: number[], indexed: boolean): Promise<string> {
  const statement = RequestContextStore.run({ requestId: 'bench', tenantId: scope.tenantId }, () =>
    repository.nearestStatement({ collectionId: scope.collectionId, filter: scope.filter }, { metric: 'cosine', dimensions: DIMENSIONS, vector, limit: K, indexed }),
  );
  await client.query('BEGIN');
  try {
    if (indexed && scope.forceIndex) await client.query(`SELECT set_config('enable_sort', 'off', true)`);
    const result = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${statement.text}`, statement.values as unknown[]);
    const full = result.rows.map((row) => row['QUERY PLAN']).join('\n');
    // The CTE's scan of vector_chunk is the first scan after its header.
    const plan = full.slice(Math.max(0, full.indexOf('CTE nearest')));
    const first = /Seq Scan on vector_chunk|(?:Bitmap Index Scan on|Index Scan (?:Backward )?using|Index Only Scan using) (\S+)/.exec(plan);
    return first ? (first[1] ?? 'Seq Scan') : 'other';
  } finally {
    await client.query('COMMIT');
  }
}

function recallOf(found: string[], truth: string[]): number {
  const set = new Set(found);
  return truth.filter((id) => set.has(id)).length / Math.max(1, truth.length);
}

// ---- main ----

async function main(): Promise<void> {
  const serverUrl = process.env['BENCH_DATABASE_URL'] || process.env['TEST_DATABASE_URL'];
  if (!serverUrl) {
    console.error('Skipped: the vectors benchmark runs on a PostgreSQL server; set BENCH_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:55432/postgres).');
    return;
  }
  const loadBefore = os.loadavg();
  const db = await createTestDatabase({ serverUrl });
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  // The benchmark database is dropped at the end while idle clients may still be connected: their
  // "terminating connection" error must not crash the process after the figures are printed.
  pool.on('error', (error) => progress(`idle pg client: ${error.message}`));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'strata-bench-vectors-'));
  let strata: ServerProcess | undefined;
  let floorServer: ServerProcess | undefined;
  try {
    const [{ version: server }] = (await pool.query<{ version: string }>(`SELECT split_part(version(), ' on ', 1) || ', pgvector ' || (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS version`)).rows as [{ version: string }];

    progress('starting Strata (dist/apps/api/main.js, telemetry preload, PostgreSQL server)…');
    const port = freePort();
    // BENCH_VECTORS_API_NODE_ARGS: extra node flags for the API process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
    const apiNodeArgs = (process.env['BENCH_VECTORS_API_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
    strata = await startServer('strata', [...apiNodeArgs, '--import', './dist/apps/api/telemetry.js', 'dist/apps/api/main.js'], {
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        NODE_ENV: 'production',
        STRATA_DATA_DIR: dataDir,
        STRATA_BOOTSTRAP: 'always',
        STRATA_ADMIN_DIST: '',
        STRATA_INGESTION_POLL_MS: '200',
        LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn',
        DATABASE_URL: db.url,
      },
      ready: (out) => /strata_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/.test(out),
    });
    const ownerKey = /strata_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/.exec(strata.output())?.[0] as string;
    const api = apiAt(`http://127.0.0.1:${port}`);
    const account = await must('service account', api.call<{ id: string }>(ownerKey, 'POST', '/governance/service-accounts', { name: 'bench-reader', roles: ['viewer'] }));
    const reader = (await must('api key', api.call<{ token: string }>(ownerKey, 'POST', '/governance/api-keys', { name: 'bench-reader', serviceAccountId: account.id, roles: ['viewer'] }))).token;
    const tenantId = (await pool.query<{ id: string }>('SELECT id FROM tenant LIMIT 1')).rows[0]?.id as string;
    const collection = await must('collection', api.call<{ id: string }>(ownerKey, 'POST', '/vectors/collections', { name: 'generated', dimensions: DIMENSIONS }));

    // ---- load: rows first, then the index (pgvector builds HNSW in memory, far faster than row by row) ----
    const [{ indexdef }] = (await pool.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE indexname = 'vector_chunk_384_cosine_hnsw_idx'`)).rows as [{ indexdef: string }];
    await pool.query('DROP INDEX vector_chunk_384_cosine_hnsw_idx');
    const documentId = newId();
    await pool.query(
      `INSERT INTO vector_document (id, tenant_id, collection_id, name, format, source_text, content_sha256, status, created_by_type, created_by_id)
       VALUES ($1, $2, $3, 'generated', 'text', '', $4, 'ready', 'system', 'bench')`,
      [documentId, tenantId, collection.id, documentId.replace(/-/g, '')],
    );
    // The 1% tenant: its own tenant, collection and document, in the same table and index.
    const smallTenant = newId();
    const smallCollection = newId();
    const smallDocument = newId();
    await pool.query(`INSERT INTO tenant (id, slug, name) VALUES ($1, 'bench-small', 'Small tenant')`, [smallTenant]);
    await pool.query(
      `INSERT INTO vector_collection (id, tenant_id, name, embedding_alias, dimensions, metric, chunk_strategy, chunk_max_tokens, chunk_overlap_tokens, created_by_type, created_by_id)
       VALUES ($1, $2, 'small', 'embedding-default', 384, 'cosine', 'fixed', 256, 32, 'system', 'bench')`,
      [smallCollection, smallTenant],
    );
    await pool.query(
      `INSERT INTO vector_document (id, tenant_id, collection_id, name, format, source_text, content_sha256, status, created_by_type, created_by_id)
       VALUES ($1, $2, $3, 'generated', 'text', '', $4, 'ready', 'system', 'bench')`,
      [smallDocument, smallTenant, smallCollection, smallDocument.replace(/-/g, '')],
    );

    const vectors = clusteredVectors(42);
    const random = seededRandom(43);
    const insert = async (target: { tenantId: string; collectionId: string; documentId: string }, count: number, rare: (i: number) => boolean) => {
      const batch = 1_000;
      for (let start = 0; start < count; start += batch) {
        const rows = Array.from({ length: Math.min(batch, count - start) }, (_, offset) => {
          const i = start + offset;
          const { vector, cluster } = vectors.next();
          return { id: newId(), i, text: generatedText(random, cluster, i), metadata: JSON.stringify({ group: rare(i) ? 'rare' : 'common', topic: cluster }), vector: vectorText(vector) };
        });
        await pool.query(
          `INSERT INTO vector_chunk (id, tenant_id, collection_id, document_id, position, span_start, span_end, text, token_count, metadata, dimensions, metric, embedding, search_vector)
           SELECT u.id, $1, $2, $3, u.position, 0, length(u.text), u.text, 20, u.metadata::jsonb, 384, 'cosine', u.embedding::vector, to_tsvector('simple', u.text)
           FROM unnest($4::uuid[], $5::int[], $6::text[], $7::text[], $8::text[]) AS u(id, position, text, metadata, embedding)`,
          [target.tenantId, target.collectionId, target.documentId, rows.map((r) => r.id), rows.map((r) => r.i), rows.map((r) => r.text), rows.map((r) => r.metadata), rows.map((r) => r.vector)],
        );
        if ((start / batch) % 10 === 0) progress(`  inserted ${start + rows.length} / ${count}`);
      }
    };
    progress(`generating and inserting ${CHUNKS} chunks × ${DIMENSIONS} dimensions (clustered, ${CLUSTERS} topics; 1% tagged group=rare)…`);
    const loadStarted = performance.now();
    await insert({ tenantId, collectionId: collection.id, documentId }, CHUNKS, (i) => i % 100 === 0);
    await insert({ tenantId: smallTenant, collectionId: smallCollection, documentId: smallDocument }, CHUNKS / 100, () => false);
    const insertSeconds = (performance.now() - loadStarted) / 1000;
    progress('building the HNSW index (migration definition)…');
    const indexStarted = performance.now();
    await pool.query(`SET maintenance_work_mem = '1GB'`);
    await pool.query(indexdef);
    // What autovacuum does after a bulk load: statistics, and the visibility map for index-only counts.
    await pool.query('VACUUM ANALYZE vector_chunk');
    const indexSeconds = (performance.now() - indexStarted) / 1000;

    // ---- statement-level: HNSW vs exact ----
    const scopes: Scope[] = [
      { name: `whole collection (${CHUNKS} rows)`, tenantId, collectionId: collection.id, rows: CHUNKS },
      { name: `1% metadata filter (${CHUNKS / 100} rows)`, tenantId, collectionId: collection.id, filter: { metadata: { group: 'rare' } }, rows: CHUNKS / 100 },
      { name: `1% tenant (${CHUNKS / 100} rows, same index)`, tenantId: smallTenant, collectionId: smallCollection, rows: CHUNKS / 100 },
      { name: `1% tenant, HNSW forced (enable_sort off)`, tenantId: smallTenant, collectionId: smallCollection, rows: CHUNKS / 100, forceIndex: true },
    ];
    const queries = Array.from({ length: QUERIES }, () => Array.from(vectors.next().vector));
    const client = await pool.connect();
    const statementRows: string[] = [];
    try {
      await configureRawClient(client);
      for (const scope of scopes) {
        progress(`statement: ${scope.name}: ${QUERIES} queries, exact then HNSW…`);
        await client.query(`SELECT set_config('enable_sort', $1, false)`, [scope.forceIndex ? 'off' : 'on']);
        const plans = `${await planOf(client, scope, queries[0] as number[], true)} / ${await planOf(client, scope, queries[0] as number[], false)}`;
        for (const query of queries.slice(0, WARMUP)) await rawNearest(client, scope, query, true);
        const exact: number[] = [];
        const index: number[] = [];
        let recall = 0;
        let short = 0;
        for (const query of queries) {
          const truth = await rawNearest(client, scope, query, false);
          const found = await rawNearest(client, scope, query, true);
          exact.push(truth.ms);
          index.push(found.ms);
          recall += recallOf(found.ids, truth.ids);
          if (found.ids.length < K) short += 1;
        }
        statementRows.push(
          `| ${scope.name} | ${ms(percentile(index, 0.5))} | ${ms(percentile(index, 0.99))} | ${(recall / QUERIES).toFixed(3)} | ${short} | ${ms(percentile(exact, 0.5))} | ${ms(percentile(exact, 0.99))} | ${scope.rows <= VECTOR_PLAN_LIMITS.exactScanMaxRows ? 'exact' : 'HNSW'} | ${plans} |`,
        );
      }

      await client.query(`SELECT set_config('enable_sort', 'on', false)`);

      // ---- API vs raw statement, same data, same query vectors (the hashing embedding of the query text) ----
      const embedder = new HashingEmbeddingModel();
      const texts = Array.from({ length: QUERIES }, (_, i) => `${WORDS[i % WORDS.length]} ${WORDS[(i * 7 + 3) % WORDS.length]} topic ${i % CLUSTERS}`);
      const apiRows: string[] = [];
      // The floor: the raw statement behind a minimal HTTP server in its own process (vectors/raw-search-server.ts).
      progress('starting the raw statement over minimal HTTP (the floor)…');
      const settings = `SELECT set_config('statement_timeout', '10000', false), set_config('hnsw.ef_search', '${VECTOR_PLAN_LIMITS.efSearchMin}', false), set_config('hnsw.iterative_scan', 'relaxed_order', false), set_config('hnsw.max_scan_tuples', '${VECTOR_PLAN_LIMITS.maxScanTuples}', false)`;
      floorServer = await startServer('raw-search', ['--import', 'tsx', 'bench/vectors/raw-search-server.ts'], {
        env: { DATABASE_URL: db.url, SETTINGS_SQL: settings },
        ready: (out) => /RAW_SEARCH_LISTENING \d+/.test(out),
      });
      const floor = apiAt(`http://127.0.0.1:${/RAW_SEARCH_LISTENING (\d+)/.exec(floorServer.output())?.[1]}`);
      await must('floor statements', floor.call('-', 'POST', '/statements', Object.fromEntries(scopes.slice(0, 2).map((scope) => [scope.name, floorStatement(scope)]))));
      for (const scope of scopes.slice(0, 2)) {
        progress(`API vs raw statement: ${scope.name}: ${QUERIES} queries, interleaved…`);
        const indexed = scope.rows > VECTOR_PLAN_LIMITS.exactScanMaxRows; // what the service chooses for this scope
        const url = `/vectors/collections/${scope.collectionId}/search`;
        const filter = scope.filter ? { filter: scope.filter } : {};
        const byText = (text: string) => ({ query: text, mode: 'vector', topK: K, ...filter });
        const byVector = (vector: number[]) => ({ vector, mode: 'vector', topK: K, ...filter });
        for (const text of texts.slice(0, WARMUP)) {
          const vector = Array.from(embedder.embed(text));
          await must('search', api.call(reader, 'POST', url, byText(text)));
          await must('search', api.call(reader, 'POST', url, byVector(vector)));
          await rawNearest(client, scope, vector, indexed);
          await must('floor', floor.call('-', 'POST', '/search', { scope: scope.name, vector }));
        }
        const textMs: number[] = [];
        const vectorMs: number[] = [];
        const tookMs: number[] = [];
        const nestMs: number[] = [];
        const statementMs: number[] = [];
        const rawMs: number[] = [];
        const floorMs: number[] = [];
        let same = 0;
        for (const text of texts) {
          const vector = Array.from(embedder.embed(text));
          let started = performance.now();
          const viaText = await must('search', api.call<{ hits: Array<{ chunkId: string }> }>(reader, 'POST', url, byText(text)));
          textMs.push(performance.now() - started);
          started = performance.now();
          const viaVector = await must('search', api.call<{ hits: Array<{ chunkId: string }>; tookMs: number }>(reader, 'POST', url, byVector(vector)));
          vectorMs.push(performance.now() - started);
          // The same request through Express and Nest's pipeline (the controller serves any spelling the lane does not take).
          started = performance.now();
          await must('search', api.call(reader, 'POST', `${url}/`, byVector(vector)));
          nestMs.push(performance.now() - started);
          tookMs.push(viaVector.tookMs);
          if (indexed) statementMs.push(await serviceStatement(client, scope, vector, indexed));
          started = performance.now();
          const viaFloor = await must('floor', floor.call<{ hits: Array<{ id: string }> }>('-', 'POST', '/search', { scope: scope.name, vector }));
          floorMs.push(performance.now() - started);
          const raw = await rawNearest(client, scope, vector, indexed);
          rawMs.push(raw.ms);
          const ids = raw.ids.join();
          if (viaText.hits.map((hit) => hit.chunkId).join() === ids && viaVector.hits.map((hit) => hit.chunkId).join() === ids && viaFloor.hits.map((hit) => hit.id).join() === ids) same += 1;
        }
        const rawP50 = percentile(rawMs, 0.5);
        apiRows.push(
          `| ${scope.name} | ${indexed ? 'HNSW' : 'exact'} | ${ms(percentile(vectorMs, 0.5))} | ${ms(percentile(vectorMs, 0.99))} | ${ms(percentile(textMs, 0.5))} | ${ms(percentile(textMs, 0.99))} | ${ms(rawP50)} | ${ms(percentile(rawMs, 0.99))} | **${(percentile(vectorMs, 0.5) / rawP50).toFixed(2)}** | ${(percentile(textMs, 0.5) / rawP50).toFixed(2)} | ${same}/${QUERIES} | ${ms(percentile(nestMs, 0.5))} | ${ms(percentile(tookMs, 0.5))} | ${indexed ? ms(percentile(statementMs, 0.5)) : '—'} | ${ms(percentile(floorMs, 0.5))} | ${(percentile(floorMs, 0.5) / rawP50).toFixed(2)} |`,
        );
      }

      // ---- ingestion through the real path ----
      progress(`ingestion: ${INGEST_DOCS} documents through POST /vectors/collections/:id/documents and the worker…`);
      const ingest = await must(
        'collection',
        api.call<{ id: string }>(ownerKey, 'POST', '/vectors/collections', { name: 'ingest', dimensions: DIMENSIONS, chunking: { strategy: 'fixed', maxTokens: 200, overlapTokens: 20 } }),
      );
      const textRandom = seededRandom(44);
      const docText = (d: number) =>
        Array.from({ length: 300 }, (_, s) => `Sentence ${s} of document ${d}: ${Array.from({ length: 12 }, () => WORDS[Math.floor(textRandom() * WORDS.length)]).join(' ')}.`).join(' ');
      const ingestStarted = performance.now();
      const ids: string[] = [];
      for (let d = 0; d < INGEST_DOCS; d++) {
        const queued = await must('ingest', api.call<{ id: string }>(ownerKey, 'POST', `/vectors/collections/${ingest.id}/documents`, { name: `doc-${d}.txt`, format: 'text', text: docText(d) }));
        ids.push(queued.id);
      }
      let chunks = 0;
      for (;;) {
        const states = (await pool.query<{ status: string; chunks: number }>(`SELECT status, chunks_total AS chunks FROM vector_document WHERE collection_id = $1`, [ingest.id])).rows;
        const done = states.filter((state) => state.status === 'ready' || state.status === 'failed');
        if (done.length === ids.length) {
          chunks = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM vector_chunk WHERE collection_id = $1`, [ingest.id])).rows[0]?.n ?? 0;
          const failed = states.filter((state) => state.status === 'failed').length;
          if (failed) throw new Error(`${failed} documents failed to ingest`);
          break;
        }
        if (performance.now() - ingestStarted > 600_000) throw new Error('ingestion did not finish within 10 minutes');
        progress(`  ${done.length} / ${ids.length} documents ready`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      const ingestSeconds = (performance.now() - ingestStarted) / 1000;

      const loadAfter = os.loadavg();
      console.log(`## Vectors (${new Date().toISOString().slice(0, 10)})\n`);
      console.log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ${server}; Node ${process.version}.`);
      console.log(`Load average (1/5/15 min) before: ${loadBefore.map((v) => v.toFixed(1)).join(' / ')}, after: ${loadAfter.map((v) => v.toFixed(1)).join(' / ')}.\n`);
      console.log(`Data: ${CHUNKS} chunks × ${DIMENSIONS} dims (clustered, ${CLUSTERS} topics) + ${CHUNKS / 100} in a second tenant; insert ${insertSeconds.toFixed(1)} s, HNSW build (m 16, ef_construction 64) ${indexSeconds.toFixed(1)} s. ${QUERIES} queries per row, top ${K}, ef_search ${VECTOR_PLAN_LIMITS.efSearchMin}, iterative scan relaxed_order, max_scan_tuples ${VECTOR_PLAN_LIMITS.maxScanTuples}.\n`);
      console.log('Search statement (ms; "HNSW" = the statement written for the index, which the planner may still serve otherwise — see the last column; recall@10 against the exact scan; "short": queries with fewer than 10 results):\n');
      console.log('| scope | HNSW p50 | HNSW p99 | recall@10 | short | exact p50 | exact p99 | service picks | index used (HNSW / exact statement) |');
      console.log('|---|---|---|---|---|---|---|---|---|');
      for (const row of statementRows) console.log(row);
      console.log(
        '\nHTTP API (viewer key, `POST /vectors/collections/:id/search`, vector mode, top 10) with the query vector in the body ("vector in") and with the query text (embedded by the API through the gateway: "text"), against the raw statement (the same kNN statement over a `pg` connection with its settings set once per connection, one round trip) on the same data and query vector, interleaved (ms; ratios of p50s; same: identical top 10 from all four). "floor" is the raw statement behind a minimal HTTP server in its own process (node:http, JSON in and out, one `pg` connection; no authentication, data-access record or telemetry): what the HTTP hop alone costs here, and "floor ratio" its p50 over raw — the part of the ratio no API can avoid. Where the API’s time goes: "through Nest" is the vector-in request on a spelling the HTTP lane does not take (trailing slash), so Express and Nest’s pipeline serve it; "service tookMs" is the search service’s own measure in the vector-in answers (from the collection lookup to the ranked hits, inside authentication and HTTP); "service statement" is the statement the service sends on an indexed size (the kNN with its index settings and its data-access records), timed alone like raw:\n',
      );
      console.log('| scope | path | API vector in p50 | p99 | API text p50 | p99 | raw p50 | raw p99 | ratio vector in | ratio text | same | vector in through Nest p50 | service tookMs p50 | service statement p50 | floor p50 | floor ratio |');
      console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
      for (const row of apiRows) console.log(row);
      console.log(`\nIngestion (REST → queue → worker; text, fixed 200-token chunks, local hashing embedder, HNSW maintained on insert into a ${CHUNKS + CHUNKS / 100}-row index): ${INGEST_DOCS} documents, ${chunks} chunks in ${ingestSeconds.toFixed(1)} s = ${(chunks / ingestSeconds).toFixed(0)} chunks/s.`);
    } finally {
      client.release();
    }
  } finally {
    await strata?.stop();
    await floorServer?.stop();
    await pool.end();
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
