import { Prisma } from '@strata/db';
import { z } from 'zod';
import { isNumeric, isOrdered, sqlKindOf, type PropertyMap, type SqlKind } from './property-types';

/**
 * The filter language of object queries and traversal hops: comparisons on properties combined
 * with and/or/not. Compiled to parameterised SQL: property names are checked against the object
 * type and bound as parameters, values are bound and cast to the property's type, operators come
 * from a fixed table. Nothing from a request is ever concatenated into SQL text.
 */
export const FILTER_OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'startsWith', 'isNull'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export const FILTER_LIMITS = { depthMax: 8, nodesMax: 100, inValuesMax: 1000 } as const;

export type Filter =
  | { and: Filter[] }
  | { or: Filter[] }
  | { not: Filter }
  | { property: string; op: FilterOperator; value?: unknown };

export const filterSchema: z.ZodType<Filter> = z.lazy(() =>
  z.union([
    z.object({ and: z.array(filterSchema).min(1).max(FILTER_LIMITS.nodesMax) }).strict(),
    z.object({ or: z.array(filterSchema).min(1).max(FILTER_LIMITS.nodesMax) }).strict(),
    z.object({ not: filterSchema }).strict(),
    z.object({ property: z.string().min(1).max(64), op: z.enum(FILTER_OPERATORS), value: z.json().optional() }).strict(),
  ]),
) as z.ZodType<Filter>;

/** Built-in columns a filter or sort may name with a `$` prefix. */
export const SYSTEM_FIELDS: Record<string, { column: string; kind: SqlKind }> = {
  $id: { column: 'id', kind: 'text' },
  $primaryKey: { column: 'primary_key_value', kind: 'text' },
  $createdAt: { column: 'created_at', kind: 'timestamptz' },
  $updatedAt: { column: 'updated_at', kind: 'timestamptz' },
  $version: { column: 'version', kind: 'bigint' },
};

export interface FilterIssue {
  path: string;
  message: string;
}

export class FilterCompileError extends Error {
  constructor(readonly issues: FilterIssue[]) {
    super(issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '));
  }
}

/** A typed SQL expression for a property or system field of the object aliased `alias`. */
export function fieldExpression(alias: string, field: string, properties: PropertyMap, path: string): { sql: Prisma.Sql; kind: SqlKind } {
  const a = Prisma.raw(alias);
  const system = SYSTEM_FIELDS[field];
  if (system) {
    const column = Prisma.raw(`${alias}.${system.column}`);
    return { sql: system.column === 'id' ? Prisma.sql`${column}::text` : column, kind: system.kind };
  }
  const property = properties.get(field);
  if (!property) throw new FilterCompileError([{ path, message: `unknown property ${field}; known: ${[...properties.keys()].join(', ') || 'none'}` }]);
  const kind = sqlKindOf(property.type);
  if (kind === 'jsonb') return { sql: Prisma.sql`(${a}.properties -> ${field}::text)`, kind };
  const text = Prisma.sql`(${a}.properties ->> ${field}::text)`;
  return { sql: kind === 'text' ? text : Prisma.sql`(${text})::${Prisma.raw(kind)}`, kind };
}

/** A bound value cast to `kind`, after checking it has that type (a bad value is a 400, never a SQL error). */
export function typedValue(value: unknown, kind: SqlKind, path: string): Prisma.Sql {
  const fail = (message: string) => new FilterCompileError([{ path, message }]);
  switch (kind) {
    case 'bigint':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw fail('must be an integer');
      return Prisma.sql`${String(value)}::bigint`;
    case 'numeric':
      if (!(typeof value === 'number' && Number.isFinite(value)) && !(typeof value === 'string' && /^-?\d{1,30}(\.\d{1,30})?$/.test(value))) throw fail('must be a number');
      return Prisma.sql`${String(value)}::numeric`;
    case 'boolean':
      if (typeof value !== 'boolean') throw fail('must be true or false');
      return Prisma.sql`${String(value)}::boolean`;
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw fail('must be a date YYYY-MM-DD');
      return Prisma.sql`${value}::date`;
    case 'timestamptz':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw fail('must be an ISO timestamp');
      return Prisma.sql`${new Date(value).toISOString()}::timestamptz`;
    case 'jsonb':
      return Prisma.sql`${JSON.stringify(value ?? null)}::jsonb`;
    default:
      if (typeof value !== 'string') throw fail('must be a string');
      return Prisma.sql`${value}::text`;
  }
}

/** Kinds whose `eq` is JSON containment of the stored value (dates and timestamps compare by their cast instead). */
const CONTAINMENT_KINDS = new Set<SqlKind>(['text', 'bigint', 'numeric', 'boolean']);

const COMPARISON: Record<'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte', string> = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** LIKE pattern matching `text` literally (backslash is the escape character). */
function literalPattern(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Compiles a filter over the object aliased `alias`; throws {@link FilterCompileError} listing the bad parts. */
export function compileFilter(filter: Filter, properties: PropertyMap, alias = 'o'): Prisma.Sql {
  let nodes = 0;
  const issues: FilterIssue[] = [];
  const visit = (node: Filter, path: string, depth: number): Prisma.Sql => {
    nodes += 1;
    if (depth > FILTER_LIMITS.depthMax) throw new FilterCompileError([{ path, message: `nests deeper than ${FILTER_LIMITS.depthMax} levels` }]);
    if (nodes > FILTER_LIMITS.nodesMax) throw new FilterCompileError([{ path, message: `has more than ${FILTER_LIMITS.nodesMax} conditions` }]);
    if ('and' in node) return Prisma.sql`(${Prisma.join(node.and.map((child, i) => visit(child, `${path}.and.${i}`, depth + 1)), ' AND ')})`;
    if ('or' in node) return Prisma.sql`(${Prisma.join(node.or.map((child, i) => visit(child, `${path}.or.${i}`, depth + 1)), ' OR ')})`;
    if ('not' in node) return Prisma.sql`(NOT COALESCE(${visit(node.not, `${path}.not`, depth + 1)}, false))`;
    try {
      return comparison(node, properties, alias, path);
    } catch (error) {
      if (!(error instanceof FilterCompileError)) throw error;
      issues.push(...error.issues);
      return Prisma.sql`false`;
    }
  };
  const sql = visit(filter, 'filter', 0);
  if (issues.length > 0) throw new FilterCompileError(issues);
  return sql;
}

function comparison(node: { property: string; op: FilterOperator; value?: unknown }, properties: PropertyMap, alias: string, path: string): Prisma.Sql {
  const field = fieldExpression(alias, node.property, properties, `${path}.property`);
  const valuePath = `${path}.value`;
  const fail = (message: string) => new FilterCompileError([{ path: `${path}.op`, message }]);
  switch (node.op) {
    case 'isNull': {
      const wantNull = node.value === undefined ? true : node.value;
      if (typeof wantNull !== 'boolean') throw new FilterCompileError([{ path: valuePath, message: 'isNull takes true or false' }]);
      const isNull = field.kind === 'jsonb' ? Prisma.sql`(${field.sql} IS NULL OR ${field.sql} = 'null'::jsonb)` : Prisma.sql`${field.sql} IS NULL`;
      return wantNull ? isNull : Prisma.sql`(NOT ${isNull})`;
    }
    case 'in': {
      if (!Array.isArray(node.value) || node.value.length === 0 || node.value.length > FILTER_LIMITS.inValuesMax) {
        throw new FilterCompileError([{ path: valuePath, message: `in takes a list of 1 to ${FILTER_LIMITS.inValuesMax} values` }]);
      }
      if (field.kind === 'jsonb') throw fail('in does not apply to json or array properties; use contains');
      return Prisma.sql`${field.sql} IN (${Prisma.join(node.value.map((v, i) => typedValue(v, field.kind, `${valuePath}.${i}`)))})`;
    }
    case 'contains': {
      if (field.kind === 'jsonb') return Prisma.sql`${field.sql} @> ${JSON.stringify([node.value ?? null])}::jsonb`;
      if (field.kind !== 'text') throw fail('contains applies to string and array properties');
      if (typeof node.value !== 'string') throw new FilterCompileError([{ path: valuePath, message: 'must be a string' }]);
      return Prisma.sql`${field.sql} ILIKE ${`%${literalPattern(node.value)}%`}`;
    }
    case 'startsWith': {
      if (field.kind !== 'text') throw fail('startsWith applies to string properties');
      if (typeof node.value !== 'string') throw new FilterCompileError([{ path: valuePath, message: 'must be a string' }]);
      return Prisma.sql`${field.sql} LIKE ${`${literalPattern(node.value)}%`}`;
    }
    default: {
      if (field.kind === 'jsonb' && node.op !== 'eq' && node.op !== 'ne') throw fail(`${node.op} does not apply to json or array properties`);
      if (!isOrdered(field.kind) && node.op !== 'eq' && node.op !== 'ne') throw fail(`${node.op} does not apply to ${field.kind} properties`);
      if (node.value === null || node.value === undefined) throw new FilterCompileError([{ path: valuePath, message: 'is required (use isNull for missing values)' }]);
      if (node.op === 'eq' && !node.property.startsWith('$') && CONTAINMENT_KINDS.has(field.kind)) {
        // Same meaning for these types (values are stored exactly as validated), and it can use the
        // GIN jsonb_path_ops index on properties instead of reading every object of the type.
        typedValue(node.value, field.kind, valuePath);
        const value = field.kind === 'numeric' ? Number(node.value) : node.value;
        return Prisma.sql`${Prisma.raw(`${alias}.properties`)} @> ${JSON.stringify({ [node.property]: value })}::jsonb`;
      }
      const op = Prisma.raw(COMPARISON[node.op]);
      const sql = Prisma.sql`${field.sql} ${op} ${typedValue(node.value, field.kind, valuePath)}`;
      // ne keeps objects that lack the property: "not equal to x" includes "has no value".
      return node.op === 'ne' ? Prisma.sql`(${sql} OR ${field.sql} IS NULL)` : sql;
    }
  }
}

export { isNumeric };
