import { newId } from '@strata/kernel';
import pg from 'pg';

/** Deterministic pseudo-random numbers (mulberry32): every run generates the same graph. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const REGIONS = ['north', 'south', 'east', 'west', 'central', 'emea', 'apac', 'latam', 'nordics', 'benelux'];
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'sto', 'va', 'qui', 'zor', 'pel', 'dan', 'tek', 'bri', 'nox', 'fa', 'gu', 'hel'];

/** A pseudo-word from a vocabulary of 16^3 = 4096 words (search terms are selective). */
export function word(next: () => number): string {
  return Array.from({ length: 3 }, () => SYLLABLES[Math.floor(next() * SYLLABLES.length)]).join('');
}

/** One line that redraws itself on stderr (a hand-written bar: eight lines, not worth a dependency). */
export function progressBar(label: string, total: number): { tick(done: number): void; done(): void } {
  const started = performance.now();
  const draw = (done: number) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(`\r${label.padEnd(10)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${seconds.toFixed(1)} s `);
  };
  return { tick: draw, done: () => process.stderr.write('\n') };
}

export interface GeneratedGraph {
  objectIds: string[];
  links: number;
  objectsMs: number;
  linksMs: number;
  words: string[];
}

/**
 * Writes `objects` Entity objects and about `links` links (`supplies` 70 %, `owns` 30 %, random
 * ends, so cycles abound) straight into the ontology tables with multi-row inserts of 10,000 rows
 * (`unnest` of arrays: one statement and one round trip per batch).
 */
export async function generateGraph(url: string, tenantId: string, objects: number, links: number, seed = 42): Promise<GeneratedGraph> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const next = random(seed);
    const batch = 10_000;
    const objectIds: string[] = [];
    const words: string[] = [];
    const objectBar = progressBar('objects', objects);
    let started = performance.now();
    for (let offset = 0; offset < objects; offset += batch) {
      const ids: string[] = [];
      const keys: string[] = [];
      const properties: string[] = [];
      for (let i = offset; i < Math.min(objects, offset + batch); i += 1) {
        const id = newId();
        const name = `${word(next)} ${word(next)} ${i}`;
        if (i % 1000 === 0) words.push(name.split(' ')[0] as string);
        ids.push(id);
        keys.push(`E${i}`);
        properties.push(
          JSON.stringify({
            key: `E${i}`,
            name,
            region: REGIONS[Math.floor(next() * REGIONS.length)],
            revenue: Math.round(next() * 10_000_000) / 100,
            employees: Math.floor(next() * 5000),
            founded: `${1950 + Math.floor(next() * 75)}-0${1 + Math.floor(next() * 9)}-1${Math.floor(next() * 9)}`,
            active: next() < 0.8,
          }),
        );
      }
      await client.query(
        `INSERT INTO ontology_object (id, tenant_id, type_api_name, primary_key_value, properties, version, created_by_type, created_by_id, updated_by_type, updated_by_id)
         SELECT id, $1::uuid, 'Entity', key, props, 1, 'system', 'bench', 'system', 'bench' FROM unnest($2::uuid[], $3::text[], $4::jsonb[]) AS t(id, key, props)`,
        [tenantId, ids, keys, properties],
      );
      objectIds.push(...ids);
      objectBar.tick(objectIds.length);
    }
    objectBar.done();
    const objectsMs = performance.now() - started;

    started = performance.now();
    const linkBar = progressBar('links', links);
    let written = 0;
    for (let offset = 0; offset < links; offset += batch) {
      const ids: string[] = [];
      const types: string[] = [];
      const from: string[] = [];
      const to: string[] = [];
      for (let i = offset; i < Math.min(links, offset + batch); i += 1) {
        ids.push(newId());
        types.push(next() < 0.7 ? 'supplies' : 'owns');
        from.push(objectIds[Math.floor(next() * objectIds.length)] as string);
        to.push(objectIds[Math.floor(next() * objectIds.length)] as string);
      }
      const result = await client.query(
        `INSERT INTO ontology_link (id, tenant_id, link_type_api_name, from_object_id, to_object_id, created_by_type, created_by_id)
         SELECT id, $1::uuid, type, f, t, 'system', 'bench' FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::uuid[]) AS x(id, type, f, t)
         ON CONFLICT DO NOTHING`,
        [tenantId, ids, types, from, to],
      );
      written += result.rowCount ?? 0;
      linkBar.tick(Math.min(links, offset + batch));
    }
    linkBar.done();
    const linksMs = performance.now() - started;
    // VACUUM as well: the visibility map autovacuum maintains on a settled table (inserts trigger it
    // since PostgreSQL 13) is what lets traversal hops be index-only scans; right after a bulk load it
    // is empty and every hop would visit the heap.
    await client.query('VACUUM ANALYZE ontology_object');
    await client.query('VACUUM ANALYZE ontology_link');
    return { objectIds, links: written, objectsMs, linksMs, words };
  } finally {
    await client.end();
  }
}
