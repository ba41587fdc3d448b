/**
 * How a property of an object type is read in SQL. Objects keep their properties in one jsonb
 * column (`ontology_object.properties`), validated on write against the type, so a property of a
 * given type can be cast safely: `properties ->> 'x'` as text, then to the type's SQL type.
 */
export type SqlKind = 'text' | 'bigint' | 'numeric' | 'boolean' | 'date' | 'timestamptz' | 'jsonb';

export interface PropertyInfo {
  apiName: string;
  type: string;
}

/** The object type's properties by api name (from `ontology_object_type.properties`). */
export type PropertyMap = ReadonlyMap<string, PropertyInfo>;

export function sqlKindOf(type: string): SqlKind {
  switch (type) {
    case 'integer':
      return 'bigint';
    case 'decimal':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'timestamp':
      return 'timestamptz';
    case 'json':
    case 'array':
      return 'jsonb';
    default:
      // string, enum, media references: text
      return 'text';
  }
}

export function isOrdered(kind: SqlKind): boolean {
  return kind !== 'jsonb' && kind !== 'boolean';
}

export function isNumeric(kind: SqlKind): boolean {
  return kind === 'bigint' || kind === 'numeric';
}

/** Reads `properties` (an array of definitions, H6's format) into a map. */
export function propertyMapOf(properties: unknown): Map<string, PropertyInfo> {
  const map = new Map<string, PropertyInfo>();
  if (!Array.isArray(properties)) return map;
  for (const definition of properties) {
    if (definition && typeof definition === 'object') {
      const { apiName, type } = definition as { apiName?: unknown; type?: unknown };
      if (typeof apiName === 'string' && typeof type === 'string') map.set(apiName, { apiName, type });
    }
  }
  return map;
}
