import { z } from 'zod';

/** The value types a property (or an action parameter typed like one) may have. */
export const PROPERTY_TYPES = ['string', 'integer', 'decimal', 'boolean', 'date', 'timestamp', 'enum', 'json', 'array', 'media_reference'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

/** Types an `array` property's items may have (no nested arrays). */
export const ARRAY_ITEM_TYPES = ['string', 'integer', 'decimal', 'boolean', 'date', 'timestamp', 'enum', 'json', 'media_reference'] as const;
export type ArrayItemType = (typeof ARRAY_ITEM_TYPES)[number];

export const LINK_CARDINALITIES = ['one_to_one', 'one_to_many', 'many_to_many'] as const;
export type LinkCardinality = (typeof LINK_CARDINALITIES)[number];

/** Explicit ceilings of a tenant's schema. */
export const SCHEMA_LIMITS = {
  propertiesPerType: 200,
  objectTypesPerTenant: 500,
  linkTypesPerTenant: 1_000,
  enumValues: 500,
  descriptionLength: 4_000,
  displayNameLength: 200,
  changesPerRequest: 50,
  /** Schema and object versions are int4 columns: a larger number names no version. */
  versionMax: 2_147_483_647,
} as const;

/** Type api names: PascalCase-ish identifiers (`Customer`, `SalesOrder`). */
export const TYPE_API_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** Property api names: camelCase-ish identifiers (`email`, `createdOn`). */
export const PROPERTY_API_NAME = /^[a-z][A-Za-z0-9_]{0,63}$/;

export const propertyDefinitionSchema = z
  .object({
    apiName: z.string().regex(PROPERTY_API_NAME, 'a property apiName starts with a lowercase letter, then letters, digits or _ (at most 64)'),
    displayName: z.string().min(1).max(SCHEMA_LIMITS.displayNameLength).optional(),
    type: z.enum(PROPERTY_TYPES),
    required: z.boolean().default(false),
    unique: z.boolean().default(false),
    /** For agents: what the value means, its unit, how to fill it. */
    description: z.string().max(SCHEMA_LIMITS.descriptionLength).default(''),
    enumValues: z.array(z.string().min(1).max(200)).min(1).max(SCHEMA_LIMITS.enumValues).optional(),
    itemType: z.enum(ARRAY_ITEM_TYPES).optional(),
  })
  .strict()
  .transform((definition) => ({ ...definition, displayName: definition.displayName ?? definition.apiName }));

export type PropertyDefinition = z.output<typeof propertyDefinitionSchema>;

export const objectTypeDefinitionSchema = z
  .object({
    apiName: z.string().regex(TYPE_API_NAME, 'a type apiName starts with a letter, then letters, digits or _ (at most 64)'),
    displayName: z.string().min(1).max(SCHEMA_LIMITS.displayNameLength).optional(),
    description: z.string().max(SCHEMA_LIMITS.descriptionLength).default(''),
    primaryKey: z.string().regex(PROPERTY_API_NAME),
    titleProperty: z.string().regex(PROPERTY_API_NAME).optional(),
    properties: z.array(propertyDefinitionSchema).min(1).max(SCHEMA_LIMITS.propertiesPerType),
  })
  .strict()
  .transform((definition) => ({
    ...definition,
    displayName: definition.displayName ?? definition.apiName,
    titleProperty: definition.titleProperty ?? definition.primaryKey,
  }));

export type ObjectTypeDefinition = z.output<typeof objectTypeDefinitionSchema>;

/** What PATCH /ontology/object-types/:id may change (the primary key and apiName are fixed). `properties` is the complete new list. */
export const objectTypeUpdateSchema = z
  .object({
    displayName: z.string().min(1).max(SCHEMA_LIMITS.displayNameLength).optional(),
    description: z.string().max(SCHEMA_LIMITS.descriptionLength).optional(),
    titleProperty: z.string().regex(PROPERTY_API_NAME).optional(),
    properties: z.array(propertyDefinitionSchema).min(1).max(SCHEMA_LIMITS.propertiesPerType).optional(),
  })
  .strict();

export type ObjectTypeUpdate = z.output<typeof objectTypeUpdateSchema>;

export const linkTypeDefinitionSchema = z
  .object({
    apiName: z.string().regex(TYPE_API_NAME, 'a link type apiName starts with a letter, then letters, digits or _ (at most 64)'),
    displayName: z.string().min(1).max(SCHEMA_LIMITS.displayNameLength).optional(),
    description: z.string().max(SCHEMA_LIMITS.descriptionLength).default(''),
    fromTypeApiName: z.string().regex(TYPE_API_NAME),
    toTypeApiName: z.string().regex(TYPE_API_NAME),
    cardinality: z.enum(LINK_CARDINALITIES),
    properties: z.array(propertyDefinitionSchema).max(SCHEMA_LIMITS.propertiesPerType).default([]),
  })
  .strict()
  .transform((definition) => ({ ...definition, displayName: definition.displayName ?? definition.apiName }));

export type LinkTypeDefinition = z.output<typeof linkTypeDefinitionSchema>;

export const linkTypeUpdateSchema = z
  .object({
    displayName: z.string().min(1).max(SCHEMA_LIMITS.displayNameLength).optional(),
    description: z.string().max(SCHEMA_LIMITS.descriptionLength).optional(),
    cardinality: z.enum(LINK_CARDINALITIES).optional(),
    properties: z.array(propertyDefinitionSchema).max(SCHEMA_LIMITS.propertiesPerType).optional(),
  })
  .strict();

export type LinkTypeUpdate = z.output<typeof linkTypeUpdateSchema>;

/** One proposed change of the schema (POST /ontology/schema/validate takes a list of them). */
export const schemaChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('create_object_type'), objectType: objectTypeDefinitionSchema }).strict(),
  z.object({ kind: z.literal('update_object_type'), apiName: z.string().regex(TYPE_API_NAME), update: objectTypeUpdateSchema }).strict(),
  z.object({ kind: z.literal('delete_object_type'), apiName: z.string().regex(TYPE_API_NAME) }).strict(),
  z.object({ kind: z.literal('create_link_type'), linkType: linkTypeDefinitionSchema }).strict(),
  z.object({ kind: z.literal('update_link_type'), apiName: z.string().regex(TYPE_API_NAME), update: linkTypeUpdateSchema }).strict(),
  z.object({ kind: z.literal('delete_link_type'), apiName: z.string().regex(TYPE_API_NAME) }).strict(),
]);

export type SchemaChange = z.output<typeof schemaChangeSchema>;

export const schemaChangesSchema = z
  .object({
    changes: z.array(schemaChangeSchema).min(1).max(SCHEMA_LIMITS.changesPerRequest),
    summary: z.string().max(2_000).optional(),
  })
  .strict();

/** A stored object type as the rest of the layer sees it. */
export interface ObjectTypeRecord {
  id: string;
  apiName: string;
  displayName: string;
  description: string;
  primaryKey: string;
  titleProperty: string;
  properties: PropertyDefinition[];
  schemaVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface LinkTypeRecord {
  id: string;
  apiName: string;
  displayName: string;
  description: string;
  fromTypeApiName: string;
  toTypeApiName: string;
  cardinality: LinkCardinality;
  properties: PropertyDefinition[];
  schemaVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The whole schema of a tenant at one version (what a schema version's snapshot holds). */
export interface SchemaSnapshot {
  objectTypes: Omit<ObjectTypeRecord, 'id' | 'createdAt' | 'updatedAt'>[];
  linkTypes: Omit<LinkTypeRecord, 'id' | 'createdAt' | 'updatedAt'>[];
}
