import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@strata/db';
import { RequestContextStore, withSpan } from '@strata/kernel';
import { AuthorizationService } from '@strata/governance';
import { UnsupportedPolicyConditionError, whereToSql } from './ability-sql';
import { boundedQuery } from './bounded-query';
import { compileFilter, fieldExpression, FilterCompileError, type Filter } from './object-filter';
import { objectColumns, readObjectTypes, readSchema, toQueriedObject, type ObjectRow, type QueriedObject, type QueryableType, type QuerySchema } from './object-types-reader';
import { isNumeric, isOrdered, type SqlKind } from './property-types';
import { InvalidOntologyQueryError, UnsupportedObjectPolicyError, type QueryIssue } from './queries.errors';
import {
  aggregateSchema,
  objectQuerySchema,
  searchSchema,
  traverseSchema,
  QUERY_LIMITS,
  type AggregateRequest,
  type Hop,
  type ObjectQuery,
  type TraverseRequest,
} from './query-input';
import { pathsFrom, traversalStatement, type PathStep, type TraversalRows } from './traversal';

const SUBJECT = 'OntologyObject';

export interface ObjectQueryResult {
  items: QueriedObject[];
  /** Keyset paging (unsorted queries): pass as `cursor`. */
  nextCursor: string | null;
  /** Offset paging (sorted queries): pass as `offset`. */
  nextOffset: number | null;
}

export interface TraversalResult {
  objects: Array<QueriedObject & { depth: number; path?: PathStep[] }>;
  truncated: boolean;
  perHop: number[];
}

export interface AggregationResult {
  groupBy: string | null;
  groups: Array<{ key: unknown; metrics: Record<string, number | string | boolean | null> }>;
  truncated: boolean;
}

export interface SearchResult {
  items: Array<QueriedObject & { rank: number }>;
}

/** Only the text of a search query that `plainto_tsquery` reads; it never fails on punctuation. */
const TS_CONFIG = Prisma.raw(`'simple'::regconfig`);
const STRING_VALUES = Prisma.raw(`'["string"]'::jsonb`);

/**
 * Object queries, graph traversal, aggregations and text search. Every statement is tenant-scoped,
 * restricted to live objects and to the objects the caller may read (the `read OntologyObject`
 * rules as SQL), parameterised, and bounded (limits in `QUERY_LIMITS`, a statement timeout).
 */
@Injectable()
export class OntologyQueriesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly authorization: AuthorizationService,
  ) {}

  async query(raw: unknown): Promise<ObjectQueryResult> {
    const input = parse(objectQuerySchema, raw);
    const access = await this.readableSql('o');
    return withSpan('ontology.query', { 'strata.ontology.object_type': input.objectType }, () =>
      boundedQuery(this.prisma, input.timeoutMs, async (tx) => {
        const types = (await readSchema(tx, input.timeoutMs, { objectTypes: [input.objectType] })).objectTypes;
        const type = requireType(types, input.objectType, 'objectType');
        const where = this.objectWhere('o', type, input.filter, access, 'filter');
        const order = orderBy(input, type);
        const cursor = input.cursor ? Prisma.sql`AND o.id > ${input.cursor}::uuid` : Prisma.empty;
        const rows = await tx.$queryRaw<ObjectRow[]>(Prisma.sql`
          SELECT ${objectColumns('o')} FROM ontology_object o
          WHERE ${where} ${cursor}
          ORDER BY ${order}
          LIMIT ${input.limit + 1} OFFSET ${input.offset ?? 0}`);
        const more = rows.length > input.limit;
        const items = rows.slice(0, input.limit).map((row) => toQueriedObject(row, types));
        const sorted = input.sort.length > 0 || input.offset !== undefined;
        return {
          items,
          nextCursor: more && !sorted ? (items.at(-1)?.id ?? null) : null,
          nextOffset: more && sorted ? (input.offset ?? 0) + input.limit : null,
        };
      }),
    );
  }

  async traverse(raw: unknown): Promise<TraversalResult> {
    const input = parse(traverseSchema, raw);
    const access = await this.readableSql('t');
    const startAccess = await this.readableSql('o');
    return withSpan('ontology.traverse', { 'strata.ontology.hops': input.hops.length }, () =>
      boundedQuery(this.prisma, input.timeoutMs, async (tx) => {
        const tenantId = RequestContextStore.requireTenantId();
        const plan = await this.planHops(tx, input, await readSchema(tx, input.timeoutMs, { objectTypes: 'objectType' in input.start ? [input.start.objectType] : [], linkTypes: input.hops.flatMap((hop) => hop.linkTypes) }));
        const [row] = await tx.$queryRaw<Array<{ result: string }>>(
          traversalStatement({
            tenantId,
            start: this.startSet(input, plan.types, startAccess),
            startMax: QUERY_LIMITS.startMax,
            hops: plan.hops.map((hop) => ({ linkTypes: hop.linkTypes, direction: hop.direction, target: this.hopTarget(tenantId, hop, plan.types, access) })),
            limit: input.limit,
            mode: input.return,
            includePaths: input.includePaths,
          }),
        );
        const rows = JSON.parse(row?.result ?? '{}') as TraversalRows;
        if (rows.startCount > QUERY_LIMITS.startMax) {
          throw new InvalidOntologyQueryError([{ path: 'start', message: `matches more than ${QUERY_LIMITS.startMax} objects; narrow the filter` }]);
        }
        const objects = rows.objects ?? [];
        const needed = [...new Set(objects.map((object) => object[2]).filter((name) => !plan.types.has(name)))];
        if (needed.length > 0) for (const [name, value] of await readObjectTypes(tx, needed)) plan.types.set(name, value);
        const pathTo = input.includePaths ? pathsFrom(rows.edges) : undefined;
        return {
          objects: objects.map(([depth, id, typeApiName, primaryKeyValue, properties, version, createdAt, updatedAt]) => ({
            ...toQueriedObject(
              { id, type_api_name: typeApiName, primary_key_value: primaryKeyValue, properties, version, created_at: new Date(createdAt), updated_at: new Date(updatedAt) },
              plan.types,
            ),
            depth,
            ...(pathTo ? { path: pathTo(id) } : {}),
          })),
          truncated: rows.counts.some(([found, kept]) => found > kept),
          perHop: rows.counts.map(([, kept]) => kept),
        };
      }),
    );
  }

  async aggregate(raw: unknown): Promise<AggregationResult> {
    const input = parse(aggregateSchema, raw);
    const access = await this.readableSql('o');
    return withSpan('ontology.aggregate', { 'strata.ontology.object_type': input.objectType }, () =>
      boundedQuery(this.prisma, input.timeoutMs, async (tx) => {
        const types = (await readSchema(tx, input.timeoutMs, { objectTypes: [input.objectType] })).objectTypes;
        const type = requireType(types, input.objectType, 'objectType');
        const where = this.objectWhere('o', type, input.filter, access, 'filter');
        const { select, names } = metricColumns(input, type);
        const group = input.groupBy ? groupExpression(type, input.groupBy) : undefined;
        const rows = await tx.$queryRaw<Array<Record<string, unknown>>>(
          group
            ? // The key is computed once in a lateral join: a bound property name in SELECT and GROUP BY would be two parameters PostgreSQL cannot match.
              Prisma.sql`SELECT to_jsonb(g.k) AS group_key, ${select} FROM ontology_object o CROSS JOIN LATERAL (SELECT ${group} AS k) g WHERE ${where}
                GROUP BY g.k ORDER BY g.k ASC NULLS LAST LIMIT ${input.limit + 1}`
            : Prisma.sql`SELECT NULL::jsonb AS group_key, ${select} FROM ontology_object o WHERE ${where}`,
        );
        const truncated = rows.length > input.limit;
        return {
          groupBy: input.groupBy ?? null,
          groups: rows.slice(0, input.limit).map((row) => ({
            key: row['group_key'] ?? null,
            metrics: Object.fromEntries(names.map((name, index) => [name, metricValue(row[`m${index}`])])),
          })),
          truncated,
        };
      }),
    );
  }

  async search(raw: unknown): Promise<SearchResult> {
    const input = parse(searchSchema, raw);
    const access = await this.readableSql('o');
    return withSpan('ontology.search', {}, () =>
      boundedQuery(this.prisma, QUERY_LIMITS.timeoutMsDefault, async (tx) => {
        const tenantId = RequestContextStore.requireTenantId();
        const types = (await readSchema(tx, QUERY_LIMITS.timeoutMsDefault, { objectTypes: input.type ? [input.type] : [] })).objectTypes;
        if (input.type) requireType(types, input.type, 'type');
        const vector = Prisma.sql`jsonb_to_tsvector(${TS_CONFIG}, o.properties, ${STRING_VALUES})`;
        const query = Prisma.sql`plainto_tsquery(${TS_CONFIG}, ${input.q})`;
        const rows = await tx.$queryRaw<Array<ObjectRow & { rank: number }>>(Prisma.sql`
          SELECT ${objectColumns('o')}, ts_rank(${vector}, ${query})::float8 AS rank
          FROM ontology_object o
          WHERE o.tenant_id = ${tenantId}::uuid AND o.deleted_at IS NULL
            ${input.type ? Prisma.sql`AND o.type_api_name = ${input.type}` : Prisma.empty}
            AND ${access} AND ${vector} @@ ${query}
          ORDER BY rank DESC, o.id
          LIMIT ${input.limit}`);
        const allTypes = input.type ? types : await readObjectTypes(tx, [...new Set(rows.map((row) => row.type_api_name))]);
        return { items: rows.map((row) => ({ ...toQueriedObject(row, allTypes), rank: Number(row.rank) })) };
      }),
    );
  }

  /** The caller's `read OntologyObject` rules as SQL over the object aliased `alias`. */
  private async readableSql(alias: string): Promise<Prisma.Sql> {
    const where = await this.authorization.accessibleWhere('read', SUBJECT);
    try {
      return whereToSql(where, alias);
    } catch (error) {
      if (error instanceof UnsupportedPolicyConditionError) throw new UnsupportedObjectPolicyError(error.message);
      throw error;
    }
  }

  private objectWhere(alias: string, type: QueryableType, filter: Filter | undefined, access: Prisma.Sql, path: string): Prisma.Sql {
    const tenantId = RequestContextStore.requireTenantId();
    const a = (column: string) => Prisma.raw(`${alias}.${column}`);
    const parts = [
      Prisma.sql`${a('tenant_id')} = ${tenantId}::uuid`,
      Prisma.sql`${a('type_api_name')} = ${type.apiName}`,
      Prisma.sql`${a('deleted_at')} IS NULL`,
      access,
    ];
    if (filter) parts.push(compiled(() => compileFilter(filter, type.properties, alias), path));
    return Prisma.join(parts, ' AND ');
  }

  private async planHops(tx: Prisma.TransactionClient, input: TraverseRequest, schema: QuerySchema): Promise<{ hops: PlannedHop[]; types: Map<string, QueryableType> }> {
    const linkTypes = schema.linkTypes;
    const issues: QueryIssue[] = [];
    const targetTypes = input.hops.map((hop, index) => {
      const reached = new Set<string>();
      hop.linkTypes.forEach((name, i) => {
        const linkType = linkTypes.get(name);
        if (!linkType) {
          issues.push({ path: `hops.${index}.linkTypes.${i}`, message: `unknown link type ${name}` });
          return;
        }
        if (hop.direction !== 'in') reached.add(linkType.toTypeApiName);
        if (hop.direction !== 'out') reached.add(linkType.fromTypeApiName);
      });
      if (hop.objectType) return hop.objectType;
      if (hop.filter && reached.size > 1) issues.push({ path: `hops.${index}.objectType`, message: `the link types reach ${[...reached].join(', ')}; name the objectType the filter applies to` });
      return reached.size === 1 ? [...reached][0] : undefined;
    });
    if (issues.length > 0) throw new InvalidOntologyQueryError(issues);
    const names = targetTypes.filter((name): name is string => !!name && !schema.objectTypes.has(name));
    const types = schema.objectTypes;
    if (names.length > 0) for (const [name, value] of await readObjectTypes(tx, names)) types.set(name, value);
    const hops = input.hops.map((hop, index): PlannedHop => {
      const objectType = hop.objectType ?? (hop.filter ? targetTypes[index] : undefined);
      if (objectType && !types.has(objectType)) issues.push({ path: `hops.${index}.objectType`, message: `unknown object type ${objectType}` });
      return { ...hop, objectType, index };
    });
    if (issues.length > 0) throw new InvalidOntologyQueryError(issues);
    for (const hop of hops) {
      if (hop.filter && hop.objectType) compiled(() => compileFilter(hop.filter as Filter, (types.get(hop.objectType as string) as QueryableType).properties, 't'), `hops.${hop.index}.filter`);
    }
    return { hops, types };
  }

  /** The start objects as a SELECT of ids in id order (the traversal statement bounds it). */
  private startSet(input: TraverseRequest, types: Map<string, QueryableType>, access: Prisma.Sql): Prisma.Sql {
    const tenantId = RequestContextStore.requireTenantId();
    if ('objectIds' in input.start) {
      return Prisma.sql`SELECT o.id FROM ontology_object o
        WHERE o.tenant_id = ${tenantId}::uuid AND o.deleted_at IS NULL AND o.id = ANY(${input.start.objectIds}::uuid[]) AND ${access}
        ORDER BY o.id`;
    }
    const type = requireType(types, input.start.objectType, 'start.objectType');
    return Prisma.sql`SELECT o.id FROM ontology_object o WHERE ${this.objectWhere('o', type, input.start.filter, access, 'start.filter')} ORDER BY o.id`;
  }

  /** What an object reached at `hop` must satisfy: the tenant's, live, readable, of the hop's type, passing its filter. */
  private hopTarget(tenantId: string, hop: PlannedHop, types: Map<string, QueryableType>, access: Prisma.Sql): Prisma.Sql {
    const type = hop.objectType ? types.get(hop.objectType) : undefined;
    const conditions = [Prisma.sql`t.tenant_id = ${tenantId}::uuid`, Prisma.sql`t.deleted_at IS NULL`, access];
    if (type) conditions.push(Prisma.sql`t.type_api_name = ${type.apiName}`);
    if (type && hop.filter) conditions.push(compileFilter(hop.filter, type.properties, 't'));
    return Prisma.join(conditions, ' AND ');
  }
}

interface PlannedHop extends Hop {
  index: number;
}

function parse<S extends { safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }>(
  schema: S,
  raw: unknown,
): S extends { safeParse(value: unknown): { success: true; data: infer D } | { success: false } } ? D : never {
  const result = schema.safeParse(raw ?? {});
  if (!result.success) throw new InvalidOntologyQueryError(result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message })));
  return result.data as never;
}

function requireType(types: ReadonlyMap<string, QueryableType>, apiName: string, path: string): QueryableType {
  const type = types.get(apiName);
  if (!type) throw new InvalidOntologyQueryError([{ path, message: `unknown object type ${apiName}` }]);
  return type;
}

function compiled<T>(build: () => T, path: string): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof FilterCompileError) throw new InvalidOntologyQueryError(error.issues.map((issue) => ({ ...issue, path: issue.path.replace(/^filter/, path) })));
    throw error;
  }
}

function orderBy(input: ObjectQuery, type: QueryableType): Prisma.Sql {
  const parts = input.sort.map((sort, index) => {
    const field = compiled(() => fieldExpression('o', sort.property, type.properties, `sort.${index}.property`), `sort.${index}`);
    if (!isOrdered(field.kind) && field.kind !== 'boolean') throw new InvalidOntologyQueryError([{ path: `sort.${index}.property`, message: 'json and array properties cannot be sorted' }]);
    return Prisma.sql`${field.sql} ${Prisma.raw(sort.direction === 'desc' ? 'DESC' : 'ASC')} NULLS LAST`;
  });
  parts.push(Prisma.sql`o.id ASC`);
  return Prisma.join(parts, ', ');
}

function groupExpression(type: QueryableType, property: string): Prisma.Sql {
  const field = compiled(() => fieldExpression('o', property, type.properties, 'groupBy'), 'groupBy');
  if (field.kind === 'jsonb') throw new InvalidOntologyQueryError([{ path: 'groupBy', message: 'json and array properties cannot be grouped by' }]);
  return field.sql;
}

function metricColumns(input: AggregateRequest, type: QueryableType): { select: Prisma.Sql; names: string[] } {
  const names: string[] = [];
  const columns = input.metrics.map((metric, index) => {
    const alias = Prisma.raw(`m${index}`);
    if (metric.op === 'count') {
      names.push('count');
      return Prisma.sql`count(*)::float8 AS ${alias}`;
    }
    names.push(`${metric.op}.${metric.property}`);
    const field = compiled(() => fieldExpression('o', metric.property, type.properties, `metrics.${index}.property`), `metrics.${index}`);
    const kind: SqlKind = field.kind;
    if ((metric.op === 'sum' || metric.op === 'avg') && !isNumeric(kind)) {
      throw new InvalidOntologyQueryError([{ path: `metrics.${index}.property`, message: `${metric.op} needs an integer or decimal property` }]);
    }
    if (!isOrdered(kind)) throw new InvalidOntologyQueryError([{ path: `metrics.${index}.property`, message: `${metric.op} does not apply to ${kind} properties` }]);
    const fn = Prisma.raw(metric.op);
    return isNumeric(kind) ? Prisma.sql`${fn}(${field.sql})::float8 AS ${alias}` : Prisma.sql`to_jsonb(${fn}(${field.sql})) AS ${alias}`;
  });
  return { select: Prisma.join(columns, ', '), names };
}

function metricValue(value: unknown): number | string | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}
