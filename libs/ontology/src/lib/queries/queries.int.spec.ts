import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '@strata/testing';
import { AuthorizationService } from '@strata/governance';
import { newId, RequestContextStore } from '@strata/kernel';
import { linkTypeDefinitionSchema, objectTypeDefinitionSchema } from '../schema/property-definition';
import { SchemaRepository } from '../schema/schema.repository';
import { as, failure, startOntologyTestBed, user, type OntologyTestBed } from '../actions/testing/ontology-test-module';
import type { Filter } from './object-filter';
import { OntologyQueriesService } from './ontology-queries.service';

/** Deterministic pseudo-random numbers (mulberry32), so a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COLORS = ['red', 'green', 'blue'];
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];

interface Node {
  id: string;
  pk: string;
  properties: Record<string, unknown>;
}
interface Edge {
  id: string;
  type: string;
  from: string;
  to: string;
  deleted: boolean;
}
interface Graph {
  tenantId: string;
  nodes: Node[];
  edges: Edge[];
}

/** The in-memory meaning of a filter: SQL's three-valued logic with a missing value as unknown (false, also under not). */
function matches(filter: Filter, properties: Record<string, unknown>): boolean {
  if ('and' in filter) return filter.and.every((f) => matches(f, properties));
  if ('or' in filter) return filter.or.some((f) => matches(f, properties));
  if ('not' in filter) return !matches(filter.not, properties);
  const value = properties[filter.property];
  const missing = value === undefined || value === null;
  switch (filter.op) {
    case 'isNull':
      return missing === (filter.value ?? true);
    case 'eq':
      return !missing && value === filter.value;
    case 'ne':
      return missing || value !== filter.value;
    case 'gt':
      return !missing && (value as number) > (filter.value as number);
    case 'gte':
      return !missing && (value as number) >= (filter.value as number);
    case 'lt':
      return !missing && (value as number) < (filter.value as number);
    case 'lte':
      return !missing && (value as number) <= (filter.value as number);
    case 'in':
      return !missing && (filter.value as unknown[]).includes(value);
    case 'contains':
      if (Array.isArray(value)) return value.includes(filter.value);
      return !missing && String(value).toLowerCase().includes(String(filter.value).toLowerCase());
    case 'startsWith':
      return !missing && String(value).startsWith(String(filter.value));
  }
}

interface HopSpec {
  linkTypes: string[];
  direction: 'out' | 'in' | 'both';
  filter?: Filter;
}

/** Reference traversal: plain layered BFS over the in-memory graph. */
function referenceTraverse(graph: Graph, start: string[], hops: HopSpec[], limit: number, readable: (n: Node) => boolean): { perHop: string[][]; truncated: boolean } {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const visited = new Set(start);
  let frontier = new Set(start);
  const perHop: string[][] = [];
  let truncated = false;
  for (const hop of hops) {
    const reached = new Set<string>();
    for (const edge of graph.edges) {
      if (edge.deleted || !hop.linkTypes.includes(edge.type)) continue;
      if (hop.direction !== 'in' && frontier.has(edge.from)) reached.add(edge.to);
      if (hop.direction !== 'out' && frontier.has(edge.to)) reached.add(edge.from);
    }
    const kept = [...reached]
      .filter((id) => !visited.has(id))
      .map((id) => byId.get(id) as Node)
      .filter((node) => readable(node) && (!hop.filter || matches(hop.filter, node.properties)))
      .map((node) => node.id)
      .sort();
    if (kept.length > limit) truncated = true;
    const layer = kept.slice(0, limit);
    for (const id of layer) visited.add(id);
    perHop.push(layer);
    frontier = new Set(layer);
  }
  return { perHop, truncated };
}

function randomFilter(next: () => number): Filter | undefined {
  const pick = Math.floor(next() * 6);
  switch (pick) {
    case 0:
      return undefined;
    case 1:
      return { property: 'color', op: 'in', value: COLORS.filter(() => next() < 0.6) .concat('red') };
    case 2:
      return { property: 'weight', op: 'gt', value: Math.floor(next() * 100) };
    case 3:
      return { not: { property: 'color', op: 'eq', value: COLORS[Math.floor(next() * 3)] as string } };
    case 4:
      return { or: [{ property: 'active', op: 'eq', value: true }, { property: 'score', op: 'isNull' }] };
    default:
      return { and: [{ property: 'tags', op: 'contains', value: WORDS[Math.floor(next() * 5)] }, { property: 'weight', op: 'lte', value: 80 }] };
  }
}

describe('ontology queries (database)', () => {
  let bed: OntologyTestBed;
  let queries: OntologyQueriesService;
  const reader = user(['viewer']);
  const graphs: Graph[] = [];

  async function seedGraph(seed: number, size: number, edgesPerNode: number): Promise<Graph> {
    const tenantId = newId();
    await bed.prisma.tenant.create({ data: { id: tenantId, slug: `g-${tenantId.slice(-12)}`, name: 'Graph' } });
    const schema = bed.moduleRef.get(SchemaRepository);
    await RequestContextStore.run({ requestId: newId(), tenantId, actor: { type: 'system', id: 'seed' } }, () =>
      bed.prisma.$transaction(async (tx) => {
        await schema.createObjectType(
          objectTypeDefinitionSchema.parse({
            apiName: 'Node',
            primaryKey: 'key',
            titleProperty: 'name',
            properties: [
              { apiName: 'key', type: 'string', required: true },
              { apiName: 'name', type: 'string' },
              { apiName: 'weight', type: 'integer' },
              { apiName: 'score', type: 'decimal' },
              { apiName: 'color', type: 'enum', enumValues: COLORS },
              { apiName: 'active', type: 'boolean' },
              { apiName: 'born', type: 'date' },
              { apiName: 'tags', type: 'array', itemType: 'string' },
            ],
          }),
          1,
          tx,
        );
        for (const apiName of ['next', 'ref']) {
          await schema.createLinkType(linkTypeDefinitionSchema.parse({ apiName, fromTypeApiName: 'Node', toTypeApiName: 'Node', cardinality: 'many_to_many' }), 1, tx);
        }
      }),
    );
    const next = random(seed);
    const nodes: Node[] = Array.from({ length: size }, (_, i) => {
      const properties: Record<string, unknown> = { key: `n${i}`, name: `${WORDS[i % 5]} node ${i}`, weight: Math.floor(next() * 100) };
      if (next() < 0.8) properties['score'] = Math.round(next() * 1000) / 10;
      if (next() < 0.9) properties['color'] = COLORS[Math.floor(next() * 3)];
      properties['active'] = next() < 0.5;
      if (next() < 0.7) properties['born'] = `2020-0${1 + Math.floor(next() * 9)}-1${Math.floor(next() * 9)}`;
      properties['tags'] = WORDS.filter(() => next() < 0.4);
      return { id: newId(), pk: `n${i}`, properties };
    });
    const edges: Edge[] = [];
    const pairs = new Set<string>();
    for (const node of nodes) {
      for (let k = 0; k < edgesPerNode; k += 1) {
        const target = nodes[Math.floor(next() * size)] as Node;
        const type = next() < 0.7 ? 'next' : 'ref';
        const key = `${type}:${node.id}:${target.id}`;
        if (pairs.has(key)) continue;
        pairs.add(key);
        edges.push({ id: newId(), type, from: node.id, to: target.id, deleted: next() < 0.1 });
      }
    }
    await bed.db.query(
      `INSERT INTO ontology_object (id, tenant_id, type_api_name, primary_key_value, properties, version, created_by_type, created_by_id, updated_by_type, updated_by_id)
       SELECT id, $1::uuid, 'Node', pk, props, 1, 'system', 'seed', 'system', 'seed' FROM unnest($2::uuid[], $3::text[], $4::jsonb[]) AS t(id, pk, props)`,
      [tenantId, nodes.map((n) => n.id), nodes.map((n) => n.pk), nodes.map((n) => JSON.stringify(n.properties))],
    );
    await bed.db.query(
      `INSERT INTO ontology_link (id, tenant_id, link_type_api_name, from_object_id, to_object_id, created_by_type, created_by_id, deleted_at)
       SELECT id, $1::uuid, type, f, t, 'system', 'seed', CASE WHEN d THEN now() END FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::uuid[], $6::boolean[]) AS x(id, type, f, t, d)`,
      [tenantId, edges.map((e) => e.id), edges.map((e) => e.type), edges.map((e) => e.from), edges.map((e) => e.to), edges.map((e) => e.deleted)],
    );
    return { tenantId, nodes, edges };
  }

  beforeAll(async () => {
    bed = await startOntologyTestBed(await createTestDatabase());
    queries = bed.moduleRef.get(OntologyQueriesService);
    graphs.push(await seedGraph(1, 80, 3), await seedGraph(2, 60, 5), await seedGraph(3, 120, 2));
  });
  afterAll(() => bed?.close());

  describe('traversal agrees with a reference BFS', () => {
    for (const seedIndex of [0, 1, 2]) {
      it(`on random graph ${seedIndex + 1} (cycles, per-hop filters, directions, hop limits)`, async () => {
        const graph = graphs[seedIndex] as Graph;
        const next = random(100 + seedIndex);
        for (let round = 0; round < 12; round += 1) {
          const start = [graph.nodes[Math.floor(next() * graph.nodes.length)] as Node, graph.nodes[Math.floor(next() * graph.nodes.length)] as Node].map((n) => n.id);
          const hopCount = 1 + Math.floor(next() * 5);
          const hops: HopSpec[] = Array.from({ length: hopCount }, () => ({
            linkTypes: next() < 0.5 ? ['next'] : next() < 0.5 ? ['ref'] : ['next', 'ref'],
            direction: (['out', 'in', 'both'] as const)[Math.floor(next() * 3)] as 'out',
            filter: randomFilter(next),
          }));
          const limit = next() < 0.3 ? 3 : 1000;
          const mode = next() < 0.5 ? 'final' : 'all';
          const expected = referenceTraverse(graph, [...new Set(start)], hops, limit, () => true);
          const result = await as(graph.tenantId, reader, () => queries.traverse({ start: { objectIds: start }, hops, limit, return: mode, includePaths: true }));
          const label = JSON.stringify({ round, start, hops, limit, mode });
          if (limit === 1000) {
            const want = mode === 'final' ? (expected.perHop.at(-1) ?? []) : expected.perHop.flat();
            expect(result.objects.map((o) => o.id).sort(), label).toEqual([...want].sort());
            expect(result.perHop, label).toEqual(expected.perHop.map((layer) => layer.length));
            expect(result.truncated, label).toBe(false);
          } else if (mode === 'final') {
            // With a limit per hop, the layers are the first `limit` by id, exactly as the reference keeps them.
            expect(result.objects.map((o) => o.id), label).toEqual(expected.perHop.at(-1));
            expect(result.truncated, label).toBe(expected.truncated);
          }
          const byId = new Map(graph.edges.filter((e) => !e.deleted).map((e) => [e.id, e]));
          for (const object of result.objects) {
            const path = object.path ?? [];
            expect(path.length, label).toBe(object.depth + 1);
            expect(start).toContain(path[0]?.objectId);
            for (let i = 1; i < path.length; i += 1) {
              const edge = byId.get(path[i]?.linkId as string) as Edge;
              const pair = [edge.from, edge.to];
              expect(pair, label).toContain(path[i - 1]?.objectId);
              expect(pair, label).toContain(path[i]?.objectId);
            }
          }
        }
      });
    }

    it('starts from a filtered object set and bounds the start', async () => {
      const graph = graphs[0] as Graph;
      const filter: Filter = { property: 'color', op: 'eq', value: 'red' };
      const start = graph.nodes.filter((n) => matches(filter, n.properties)).map((n) => n.id);
      const hops: HopSpec[] = [{ linkTypes: ['next'], direction: 'out' }, { linkTypes: ['next'], direction: 'out' }];
      const expected = referenceTraverse(graph, start, hops, 1000, () => true);
      const result = await as(graph.tenantId, reader, () => queries.traverse({ start: { objectType: 'Node', filter }, hops }));
      expect(result.objects.map((o) => o.id).sort()).toEqual([...(expected.perHop.at(-1) ?? [])].sort());
    });

    it('refuses more than the documented hops, unknown link types and bad filters with per-field errors', async () => {
      const graph = graphs[0] as Graph;
      const start = { objectIds: [graph.nodes[0]?.id] };
      const tooMany = await failure(as(graph.tenantId, reader, () => queries.traverse({ start, hops: Array.from({ length: 6 }, () => ({ linkTypes: ['next'] })) })));
      expect(tooMany).toMatchObject({ code: 'ontology.invalid_query', kind: 'invalid_argument' });
      const unknown = await failure(as(graph.tenantId, reader, () => queries.traverse({ start, hops: [{ linkTypes: ['nope'] }] })));
      expect(unknown.details?.['issues']).toEqual([{ path: 'hops.0.linkTypes.0', message: 'unknown link type nope' }]);
      const badFilter = await failure(as(graph.tenantId, reader, () => queries.traverse({ start, hops: [{ linkTypes: ['next'], filter: { property: 'weight', op: 'gt', value: 'heavy' } }] })));
      expect(badFilter.details?.['issues']).toEqual([{ path: 'hops.0.filter.value', message: 'must be an integer' }]);
    });
  });

  describe('object queries', () => {
    it('filter, sort and page with offsets and keyset cursors', async () => {
      const graph = graphs[1] as Graph;
      const filter: Filter = { and: [{ property: 'weight', op: 'gte', value: 20 }, { not: { property: 'color', op: 'eq', value: 'blue' } }] };
      const expected = graph.nodes.filter((n) => matches(filter, n.properties));
      const sorted = [...expected].sort((a, b) => (b.properties['weight'] as number) - (a.properties['weight'] as number) || (a.id < b.id ? -1 : 1));
      const pages: string[] = [];
      let offset: number | null = 0;
      while (offset !== null) {
        const page = await as(graph.tenantId, reader, () => queries.query({ objectType: 'Node', filter, sort: [{ property: 'weight', direction: 'desc' }], limit: 7, offset }));
        pages.push(...page.items.map((o) => o.id));
        offset = page.nextOffset;
      }
      expect(pages).toEqual(sorted.map((n) => n.id));
      const keyset: string[] = [];
      let cursor: string | null | undefined;
      do {
        const page = await as(graph.tenantId, reader, () => queries.query({ objectType: 'Node', filter, limit: 5, ...(cursor ? { cursor } : {}) }));
        keyset.push(...page.items.map((o) => o.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(keyset).toEqual(expected.map((n) => n.id).sort());
    });

    it('supports every operator with type-aware casts', async () => {
      const graph = graphs[2] as Graph;
      const filters: Filter[] = [
        { property: 'score', op: 'lt', value: 50.5 },
        { property: 'born', op: 'gte', value: '2020-05-01' } as Filter,
        { property: 'name', op: 'contains', value: 'ALPHA' },
        { property: 'name', op: 'startsWith', value: 'echo node 1' },
        { property: 'color', op: 'isNull' },
        { property: 'color', op: 'isNull', value: false },
        { property: 'color', op: 'ne', value: 'red' },
        { property: 'active', op: 'eq', value: false },
        { property: 'tags', op: 'contains', value: 'delta' },
        { property: '$primaryKey', op: 'in', value: ['n1', 'n2', 'n999'] },
      ];
      for (const filter of filters) {
        const result = await as(graph.tenantId, reader, () => queries.query({ objectType: 'Node', filter, limit: 1000 }));
        const want = graph.nodes.filter((n) =>
          'property' in filter && filter.property === 'born'
            ? typeof n.properties['born'] === 'string' && (n.properties['born'] as string) >= '2020-05-01'
            : 'property' in filter && filter.property === '$primaryKey'
              ? ['n1', 'n2'].includes(n.pk)
              : matches(filter, n.properties),
        );
        expect(result.items.map((o) => o.id).sort(), JSON.stringify(filter)).toEqual(want.map((n) => n.id).sort());
      }
    });

    it('refuses unknown properties and values of the wrong type as 400 with paths, never a SQL error', async () => {
      const graph = graphs[2] as Graph;
      const error = await failure(
        as(graph.tenantId, reader, () =>
          queries.query({ objectType: 'Node', filter: { or: [{ property: 'nope', op: 'eq', value: 1 }, { property: 'born', op: 'gt', value: 'yesterday' }, { property: 'active', op: 'gt', value: true }] } }),
        ),
      );
      expect(error.code).toBe('ontology.invalid_query');
      expect((error.details?.['issues'] as Array<{ path: string }>).map((i) => i.path)).toEqual(['filter.or.0.property', 'filter.or.1.value', 'filter.or.2.op']);
      expect((await failure(as(graph.tenantId, reader, () => queries.query({ objectType: 'Ghost' })))).details?.['issues']).toEqual([{ path: 'objectType', message: 'unknown object type Ghost' }]);
      const injection = await as(graph.tenantId, reader, () => queries.query({ objectType: 'Node', filter: { property: 'name', op: 'eq', value: "x' OR '1'='1" } }));
      expect(injection.items).toEqual([]);
    });
  });

  describe('aggregations', () => {
    it('count, sum, avg, min and max grouped by a property match computed values', async () => {
      const graph = graphs[0] as Graph;
      const result = await as(graph.tenantId, reader, () =>
        queries.aggregate({
          objectType: 'Node',
          groupBy: 'color',
          metrics: [{ op: 'count' }, { op: 'sum', property: 'weight' }, { op: 'avg', property: 'score' }, { op: 'min', property: 'born' }, { op: 'max', property: 'weight' }],
        }),
      );
      const groups = new Map<unknown, Node[]>();
      for (const node of graph.nodes) {
        const key = node.properties['color'] ?? null;
        groups.set(key, [...(groups.get(key) ?? []), node]);
      }
      const keys = [...groups.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : String(a) < String(b) ? -1 : 1));
      expect(result.groups.map((g) => g.key)).toEqual(keys);
      for (const group of result.groups) {
        const members = groups.get(group.key) as Node[];
        const weights = members.map((n) => n.properties['weight'] as number);
        const scores = members.map((n) => n.properties['score']).filter((s): s is number => typeof s === 'number');
        const born = members.map((n) => n.properties['born']).filter((b): b is string => typeof b === 'string').sort();
        expect(group.metrics['count']).toBe(members.length);
        expect(group.metrics['sum.weight']).toBe(weights.reduce((a, b) => a + b, 0));
        if (scores.length) expect(group.metrics['avg.score'] as number).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / scores.length, 6);
        else expect(group.metrics['avg.score']).toBeNull();
        expect(group.metrics['min.born']).toBe(born[0] ?? null);
        expect(group.metrics['max.weight']).toBe(Math.max(...weights));
      }
      const total = await as(graph.tenantId, reader, () => queries.aggregate({ objectType: 'Node', filter: { property: 'active', op: 'eq', value: true }, metrics: [{ op: 'count' }] }));
      expect(total.groups).toEqual([{ key: null, metrics: { count: graph.nodes.filter((n) => n.properties['active'] === true).length } }]);
      const bad = await failure(as(graph.tenantId, reader, () => queries.aggregate({ objectType: 'Node', metrics: [{ op: 'sum', property: 'name' }] })));
      expect(bad.details?.['issues']).toEqual([{ path: 'metrics.0.property', message: 'sum needs an integer or decimal property' }]);
    });
  });

  it('searches string properties by words', async () => {
    const graph = graphs[0] as Graph;
    const result = await as(graph.tenantId, reader, () => queries.search({ q: 'charlie', type: 'Node', limit: '100' }));
    const want = graph.nodes.filter((n) => String(n.properties['name']).includes('charlie') || (n.properties['tags'] as string[]).includes('charlie'));
    expect(result.items.map((o) => o.id).sort()).toEqual(want.map((n) => n.id).sort());
    expect(result.items[0]?.title).toMatch(/charlie node/);
  });

  describe('isolation', () => {
    it('never returns another tenant’s objects, even given their ids', async () => {
      const [a, b] = graphs as [Graph, Graph];
      const result = await as(b.tenantId, reader, () => queries.traverse({ start: { objectIds: a.nodes.slice(0, 5).map((n) => n.id) }, hops: [{ linkTypes: ['next', 'ref'], direction: 'both' }] }));
      expect(result.objects).toEqual([]);
      const listed = await as(b.tenantId, reader, () => queries.query({ objectType: 'Node', limit: 1000 }));
      expect(listed.items.length).toBe(b.nodes.length);
    });

    it('honours the read rules of the caller’s policy in queries, traversal, aggregation and search', async () => {
      const graph = graphs[1] as Graph;
      const hidden = graph.nodes.filter((_, i) => i % 3 === 0).map((n) => n.pk);
      await bed.db.query(`INSERT INTO policy_version (id, tenant_id, version, rules) VALUES ($1, $2, 1, $3::jsonb)`, [
        newId(),
        graph.tenantId,
        JSON.stringify([{ roles: ['viewer'], action: 'read', subject: 'OntologyObject', inverted: true, conditions: { primaryKeyValue: { in: hidden } }, reason: 'restricted' }]),
      ]);
      // Written behind the policies service's back: tell the authorization cache, as publishing does.
      bed.moduleRef.get(AuthorizationService).policyChanged(graph.tenantId);
      const visible = (n: Node) => !hidden.includes(n.pk);
      const listed = await as(graph.tenantId, user(['viewer']), () => queries.query({ objectType: 'Node', limit: 1000 }));
      expect(listed.items.map((o) => o.id).sort()).toEqual(graph.nodes.filter(visible).map((n) => n.id).sort());
      const start = graph.nodes.filter(visible).slice(0, 3).map((n) => n.id);
      const hops: HopSpec[] = [{ linkTypes: ['next', 'ref'], direction: 'both' }, { linkTypes: ['next'], direction: 'out' }];
      const expected = referenceTraverse(graph, start, hops, 1000, visible);
      const traversed = await as(graph.tenantId, user(['viewer']), () => queries.traverse({ start: { objectIds: start }, hops, return: 'all' }));
      expect(traversed.objects.map((o) => o.id).sort()).toEqual(expected.perHop.flat().sort());
      const counted = await as(graph.tenantId, user(['viewer']), () => queries.aggregate({ objectType: 'Node', metrics: [{ op: 'count' }] }));
      expect(counted.groups[0]?.metrics['count']).toBe(graph.nodes.filter(visible).length);
      const found = await as(graph.tenantId, user(['viewer']), () => queries.search({ q: 'node', limit: 100 }));
      expect(found.items.every((o) => !hidden.includes(o.primaryKeyValue))).toBe(true);
      const admin = await as(graph.tenantId, user(['admin']), () => queries.aggregate({ objectType: 'Node', metrics: [{ op: 'count' }] }));
      expect(admin.groups[0]?.metrics['count']).toBe(graph.nodes.length);
    });
  });
});
