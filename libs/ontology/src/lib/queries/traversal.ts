import { Prisma } from '@strata/db';

/**
 * Layered breadth-first traversal in ONE SQL statement: hop i expands the objects kept at hop i-1
 * over hop i's link types, keeping only objects never reached before (so cycles end: every object
 * is reached at most once, at its smallest depth) that pass hop i's conditions, at most `room`
 * per hop (the first by id). Each hop is a materialized CTE over ids only (index lookups on the
 * link indexes, no properties, no jsonb work); properties are read once, for the returned objects,
 * and the whole answer comes back as one JSON text (one round trip, one `JSON.parse`, instead of
 * one statement per hop and driver-level decoding of every row).
 */
export interface PathStep {
  objectId: string;
  /** The link that led here (absent on the start object). */
  linkId?: string;
}

export interface TraversalHopPlan {
  linkTypes: readonly string[];
  direction: 'out' | 'in' | 'both';
  /** Conditions on the reached object aliased `t` (tenant, live, readable, type, filter). */
  target: Prisma.Sql;
}

export interface TraversalPlan {
  tenantId: string;
  /** A SELECT of distinct object ids (column `id`, uuid) ordered by id, without LIMIT. */
  start: Prisma.Sql;
  /** At most this many start objects are used; more is reported through `startCount`. */
  startMax: number;
  hops: readonly TraversalHopPlan[];
  limit: number;
  mode: 'final' | 'all';
  includePaths: boolean;
}

/** The statement's answer after `JSON.parse`. */
export interface TraversalRows {
  startCount: number;
  /** Per hop: [candidates found (≤ room + 1), kept]. */
  counts: Array<[number, number]>;
  /** [hop, id, sourceId, linkId] of every kept object (only with paths). */
  edges: Array<[number, string, string, string]> | null;
  /** [hop, id, typeApiName, primaryKeyValue, properties, version, createdAt, updatedAt] of the returned objects, by hop then id. */
  objects: Array<[number, string, string, string, Record<string, unknown>, number, string, string]> | null;
}

export function traversalStatement(plan: TraversalPlan): Prisma.Sql {
  const ctes: Prisma.Sql[] = [
    Prisma.sql`h0raw AS MATERIALIZED (${plan.start} LIMIT ${plan.startMax + 1})`,
    Prisma.sql`h0 AS MATERIALIZED (SELECT id, NULL::uuid AS source_id, NULL::uuid AS link_id FROM h0raw)`,
  ];
  const hopName = (i: number) => Prisma.raw(`h${i}`);
  plan.hops.forEach((hop, index) => {
    const i = index + 1;
    const previous = hopName(i - 1);
    const candidates = Prisma.raw(`e${i}`);
    // `all` shares the limit between hops: what earlier hops kept is subtracted.
    const kept = Array.from({ length: i - 1 }, (_, k) => Prisma.sql`(SELECT count(*) FROM ${hopName(k + 1)})`);
    const room = plan.mode === 'all' && kept.length > 0 ? Prisma.sql`(${plan.limit}::bigint - ${Prisma.join(kept, ' - ')})` : Prisma.sql`${plan.limit}::bigint`;
    const linkWhere = Prisma.sql`l.tenant_id = ${plan.tenantId}::uuid AND l.link_type_api_name = ANY(${[...hop.linkTypes]}::text[]) AND l.deleted_at IS NULL`;
    const edges: Prisma.Sql[] = [];
    if (hop.direction !== 'in') {
      edges.push(Prisma.sql`SELECT l.id AS link_id, l.from_object_id AS source_id, l.to_object_id AS target_id
        FROM ${previous} f JOIN ontology_link l ON l.from_object_id = f.id AND ${linkWhere}`);
    }
    if (hop.direction !== 'out') {
      edges.push(Prisma.sql`SELECT l.id AS link_id, l.to_object_id AS source_id, l.from_object_id AS target_id
        FROM ${previous} f JOIN ontology_link l ON l.to_object_id = f.id AND ${linkWhere}`);
    }
    const visited = Prisma.join(Array.from({ length: i }, (_, k) => Prisma.sql`SELECT id FROM ${hopName(k)}`), ' UNION ALL ');
    ctes.push(Prisma.sql`${candidates} AS MATERIALIZED (
      SELECT DISTINCT ON (t.id) t.id, e.source_id, e.link_id
      FROM (${Prisma.join(edges, ' UNION ALL ')}) e
      JOIN ontology_object t ON t.id = e.target_id
      WHERE ${hop.target} AND t.id NOT IN (${visited})
      ORDER BY t.id, e.source_id, e.link_id
      LIMIT ${room} + 1)`);
    ctes.push(Prisma.sql`${hopName(i)} AS MATERIALIZED (SELECT id, source_id, link_id FROM ${candidates} ORDER BY id LIMIT ${room})`);
  });
  const hopNumbers = plan.hops.map((_, index) => index + 1);
  const levels = (numbers: number[]) => Prisma.join(numbers.map((i) => Prisma.sql`SELECT ${i}::int AS hop, id, source_id, link_id FROM ${hopName(i)}`), ' UNION ALL ');
  const returned = plan.mode === 'all' ? hopNumbers : [hopNumbers.length];
  const counts = Prisma.join(hopNumbers.map((i) => Prisma.sql`json_build_array((SELECT count(*) FROM ${Prisma.raw(`e${i}`)}), (SELECT count(*) FROM ${hopName(i)}))`));
  const edges = plan.includePaths
    ? Prisma.sql`(SELECT json_agg(json_build_array(x.hop, x.id, x.source_id, x.link_id)) FROM (${levels(hopNumbers)}) x)`
    : Prisma.sql`NULL::json`;
  return Prisma.sql`WITH ${Prisma.join(ctes, ',\n')}
    SELECT json_build_object(
      'startCount', (SELECT count(*) FROM h0raw),
      'counts', json_build_array(${counts}),
      'edges', ${edges},
      'objects', (SELECT json_agg(json_build_array(r.hop, o.id, o.type_api_name, o.primary_key_value, o.properties, o.version, o.created_at, o.updated_at) ORDER BY r.hop, r.id)
                  FROM (${levels(returned)}) r JOIN ontology_object o ON o.id = r.id)
    )::text AS result`;
}

/** One path per object from the parent edges: start object first. */
export function pathsFrom(edges: TraversalRows['edges']): (id: string) => PathStep[] {
  const parent = new Map<string, { sourceId: string; linkId: string }>();
  for (const [, id, sourceId, linkId] of edges ?? []) parent.set(id, { sourceId, linkId });
  return (id) => {
    const steps: PathStep[] = [];
    let current: string | undefined = id;
    while (current !== undefined) {
      const edge = parent.get(current);
      steps.push(edge ? { objectId: current, linkId: edge.linkId } : { objectId: current });
      current = edge?.sourceId;
    }
    return steps.reverse();
  };
}
