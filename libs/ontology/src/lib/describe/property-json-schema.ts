import type { ArrayItemType, PropertyDefinition } from '../schema/property-definition';

/** JSON Schema (draft 2020-12 subset) of a property's values, so agents' tools and forms can be generated from the ontology. */
export function propertyJsonSchema(definition: Pick<PropertyDefinition, 'type' | 'enumValues' | 'itemType' | 'description'>): Record<string, unknown> {
  const described = definition.description ? { description: definition.description } : {};
  if (definition.type === 'array') {
    return { type: 'array', items: scalarSchema(definition.itemType ?? 'json', definition.enumValues), ...described };
  }
  return { ...scalarSchema(definition.type, definition.enumValues), ...described };
}

/** An object schema for a set of properties (required ones listed; no other keys). */
export function propertiesJsonSchema(definitions: readonly PropertyDefinition[]): Record<string, unknown> {
  return {
    type: 'object',
    properties: Object.fromEntries(definitions.map((definition) => [definition.apiName, propertyJsonSchema(definition)])),
    required: definitions.filter((definition) => definition.required).map((definition) => definition.apiName),
    additionalProperties: false,
  };
}

function scalarSchema(type: ArrayItemType, enumValues: readonly string[] | undefined): Record<string, unknown> {
  switch (type) {
    case 'string':
      return { type: 'string' };
    case 'integer':
      return { type: 'integer' };
    case 'decimal':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'timestamp':
      return { type: 'string', format: 'date-time' };
    case 'enum':
      return { type: 'string', enum: [...(enumValues ?? [])] };
    case 'media_reference':
      return { type: 'string', format: 'uri' };
    case 'json':
      return {};
  }
}
