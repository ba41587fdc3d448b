import { Prisma } from '@strata/db';

/**
 * Turns the Prisma where-clause `AuthorizationService.accessibleWhere('read', 'OntologyObject')`
 * returns into SQL over `ontology_object`, so raw graph queries honour the same policy rules as
 * Prisma lists. Policy conditions use Prisma's where syntax over the model's columns; a condition
 * this translator does not know is refused (an error), never ignored — failing closed.
 */
const COLUMNS: Record<string, string> = {
  id: 'id',
  typeApiName: 'type_api_name',
  primaryKeyValue: 'primary_key_value',
  version: 'version',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  createdByType: 'created_by_type',
  createdById: 'created_by_id',
  updatedByType: 'updated_by_type',
  updatedById: 'updated_by_id',
};

export class UnsupportedPolicyConditionError extends Error {}

function literal(value: unknown, column: string): Prisma.Sql {
  if (value instanceof Date) return Prisma.sql`${value.toISOString()}::timestamptz`;
  if (typeof value === 'number') return Prisma.sql`${String(value)}::numeric`;
  if (typeof value === 'string') return column === 'id' ? Prisma.sql`${value}::uuid` : Prisma.sql`${value}`;
  if (typeof value === 'boolean') return Prisma.sql`${String(value)}::boolean`;
  throw new UnsupportedPolicyConditionError(`policy condition value ${JSON.stringify(value)} on ${column}`);
}

function fieldCondition(alias: string, field: string, condition: unknown): Prisma.Sql {
  const columnName = COLUMNS[field];
  if (!columnName) throw new UnsupportedPolicyConditionError(`policy condition on ${field}, which raw ontology queries cannot filter`);
  const column = Prisma.raw(`${alias}.${columnName}`);
  if (condition === null) return Prisma.sql`${column} IS NULL`;
  if (typeof condition !== 'object' || condition instanceof Date) return Prisma.sql`${column} = ${literal(condition, columnName)}`;
  const parts: Prisma.Sql[] = [];
  for (const [op, value] of Object.entries(condition as Record<string, unknown>)) {
    switch (op) {
      case 'equals':
        parts.push(value === null ? Prisma.sql`${column} IS NULL` : Prisma.sql`${column} = ${literal(value, columnName)}`);
        break;
      case 'not':
        parts.push(
          value === null
            ? Prisma.sql`${column} IS NOT NULL`
            : typeof value === 'object' && !(value instanceof Date)
              ? Prisma.sql`NOT COALESCE(${fieldCondition(alias, field, value)}, false)`
              : Prisma.sql`${column} IS DISTINCT FROM ${literal(value, columnName)}`,
        );
        break;
      case 'in':
      case 'notIn': {
        const list = value as unknown[];
        const inList = list.length === 0 ? Prisma.sql`false` : Prisma.sql`${column} IN (${Prisma.join(list.map((v) => literal(v, columnName)))})`;
        parts.push(op === 'in' ? inList : Prisma.sql`NOT COALESCE(${inList}, false)`);
        break;
      }
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte':
        parts.push(Prisma.sql`${column} ${Prisma.raw({ lt: '<', lte: '<=', gt: '>', gte: '>=' }[op])} ${literal(value, columnName)}`);
        break;
      case 'contains':
      case 'startsWith':
      case 'endsWith': {
        const text = String(value).replace(/[\\%_]/g, (c) => `\\${c}`);
        const pattern = op === 'contains' ? `%${text}%` : op === 'startsWith' ? `${text}%` : `%${text}`;
        parts.push(Prisma.sql`${column} LIKE ${pattern}`);
        break;
      }
      default:
        throw new UnsupportedPolicyConditionError(`policy condition operator ${op} on ${field}`);
    }
  }
  return parts.length === 0 ? Prisma.sql`true` : Prisma.sql`(${Prisma.join(parts, ' AND ')})`;
}

/** SQL for a Prisma where-clause over the object aliased `alias`. */
export function whereToSql(where: Record<string, unknown>, alias = 'o'): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === 'AND' || key === 'OR') {
      const list = (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
      if (list.length === 0) {
        parts.push(key === 'AND' ? Prisma.sql`true` : Prisma.sql`false`);
        continue;
      }
      parts.push(Prisma.sql`(${Prisma.join(list.map((item) => whereToSql(item, alias)), key === 'AND' ? ' AND ' : ' OR ')})`);
    } else if (key === 'NOT') {
      const list = (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
      for (const item of list) parts.push(Prisma.sql`NOT COALESCE(${whereToSql(item, alias)}, false)`);
    } else {
      parts.push(fieldCondition(alias, key, value));
    }
  }
  return parts.length === 0 ? Prisma.sql`true` : Prisma.sql`(${Prisma.join(parts, ' AND ')})`;
}
