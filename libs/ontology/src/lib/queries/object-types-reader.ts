import { Prisma } from '@strata/db';
import { RequestContextStore } from '@strata/kernel';
import { propertyMapOf, type PropertyMap } from './property-types';

export interface QueryableType {
  apiName: string;
  titleProperty: string;
  properties: PropertyMap;
}

export interface QueryableLinkType {
  apiName: string;
  fromTypeApiName: string;
  toTypeApiName: string;
}

export interface QuerySchema {
  objectTypes: Map<string, QueryableType>;
  linkTypes: Map<string, QueryableLinkType>;
}

/**
 * The first statement of every query transaction: sets its `statement_timeout` and reads, in the
 * same round trip, the object types and link types the query names (and the object types those
 * link types connect), tenant from the context — so property names and types are checked against
 * the schema the query runs on.
 */
export async function readSchema(
  tx: Prisma.TransactionClient,
  timeoutMs: number,
  names: { objectTypes?: readonly string[]; linkTypes?: readonly string[] },
): Promise<QuerySchema> {
  const tenantId = RequestContextStore.requireTenantId();
  const objectNames = [...new Set(names.objectTypes ?? [])];
  const linkNames = [...new Set(names.linkTypes ?? [])];
  const rows = await tx.$queryRaw<
    Array<{ kind: string; api_name: string; title_property: string | null; properties: unknown; from_type: string | null; to_type: string | null }>
  >(Prisma.sql`
    WITH config AS MATERIALIZED (SELECT set_config('statement_timeout', ${String(timeoutMs)}, true) AS value),
    links AS (
      SELECT api_name, from_type_api_name, to_type_api_name FROM ontology_link_type
      WHERE tenant_id = ${tenantId}::uuid AND api_name = ANY(${linkNames}::text[])
    )
    SELECT 'config' AS kind, value AS api_name, NULL AS title_property, NULL::jsonb AS properties, NULL AS from_type, NULL AS to_type FROM config
    UNION ALL
    SELECT 'link', api_name, NULL, NULL, from_type_api_name, to_type_api_name FROM links
    UNION ALL
    SELECT 'object', api_name, title_property, properties, NULL, NULL FROM ontology_object_type
    WHERE tenant_id = ${tenantId}::uuid
      AND (api_name = ANY(${objectNames}::text[]) OR api_name IN (SELECT from_type_api_name FROM links UNION SELECT to_type_api_name FROM links))`);
  const schema: QuerySchema = { objectTypes: new Map(), linkTypes: new Map() };
  for (const row of rows) {
    if (row.kind === 'link') schema.linkTypes.set(row.api_name, { apiName: row.api_name, fromTypeApiName: row.from_type as string, toTypeApiName: row.to_type as string });
    else if (row.kind === 'object') schema.objectTypes.set(row.api_name, { apiName: row.api_name, titleProperty: row.title_property as string, properties: propertyMapOf(row.properties) });
  }
  return schema;
}

/** Object types by name, read later in a query's transaction (types met only in results). */
export async function readObjectTypes(tx: Prisma.TransactionClient, apiNames: readonly string[]): Promise<Map<string, QueryableType>> {
  const tenantId = RequestContextStore.requireTenantId();
  if (apiNames.length === 0) return new Map();
  const rows = await tx.$queryRaw<Array<{ api_name: string; title_property: string; properties: unknown }>>(Prisma.sql`
    SELECT api_name, title_property, properties FROM ontology_object_type
    WHERE tenant_id = ${tenantId}::uuid AND api_name = ANY(${[...new Set(apiNames)]}::text[])`);
  return new Map(rows.map((row) => [row.api_name, { apiName: row.api_name, titleProperty: row.title_property, properties: propertyMapOf(row.properties) }]));
}

/** What queries return for an object. */
export interface QueriedObject {
  id: string;
  typeApiName: string;
  primaryKeyValue: string;
  title: string | null;
  properties: Record<string, unknown>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface ObjectRow {
  id: string;
  type_api_name: string;
  primary_key_value: string;
  properties: Record<string, unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** The select list matching {@link ObjectRow} for the object aliased `alias`. */
export function objectColumns(alias: string): Prisma.Sql {
  const a = (column: string) => Prisma.raw(`${alias}.${column}`);
  return Prisma.sql`${a('id')}::text AS id, ${a('type_api_name')} AS type_api_name, ${a('primary_key_value')} AS primary_key_value,
    ${a('properties')} AS properties, ${a('version')} AS version, ${a('created_at')} AS created_at, ${a('updated_at')} AS updated_at`;
}

export function toQueriedObject(row: ObjectRow, types: ReadonlyMap<string, QueryableType>): QueriedObject {
  const titleProperty = types.get(row.type_api_name)?.titleProperty;
  const title = titleProperty ? row.properties[titleProperty] : undefined;
  return {
    id: row.id,
    typeApiName: row.type_api_name,
    primaryKeyValue: row.primary_key_value,
    title: title === undefined || title === null ? null : String(title),
    properties: row.properties,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
