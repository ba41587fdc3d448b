import { Injectable } from '@nestjs/common';
import { AuthorizationService } from '@strata/governance';
import { SchemaRepository } from '../schema/schema.repository';
import { ActionDescriptionRegistry, type ActionTypeDescription } from './action-description-registry';
import { propertiesJsonSchema } from './property-json-schema';

export interface OntologyDescription {
  schemaVersion: number;
  objectTypes: {
    apiName: string;
    displayName: string;
    description: string;
    primaryKey: string;
    titleProperty: string;
    properties: { apiName: string; type: string; required: boolean; unique: boolean; description: string; enumValues?: string[]; itemType?: string }[];
    /** JSON Schema of an object's properties. */
    propertiesSchema: Record<string, unknown>;
  }[];
  linkTypes: { apiName: string; displayName: string; description: string; from: string; to: string; cardinality: string; properties: { apiName: string; type: string; description: string }[] }[];
  actionTypes: ActionTypeDescription[];
}

/**
 * The ontology described compactly for agents and later layers (context, tools): the types the
 * caller may read, their properties with JSON Schemas, link types, and action types from the
 * {@link ActionDescriptionRegistry}.
 */
@Injectable()
export class OntologyDescriber {
  constructor(
    private readonly schema: SchemaRepository,
    private readonly registry: ActionDescriptionRegistry,
    private readonly authorization: AuthorizationService,
  ) {}

  async describe(): Promise<OntologyDescription> {
    const [version, objectTypes, linkTypes] = [
      await this.schema.currentVersion(),
      (await this.authorization.can('read', 'OntologyObjectType'))
        ? await this.schema.objectTypes(undefined, (await this.authorization.accessibleWhere('read', 'OntologyObjectType')) as never)
        : [],
      (await this.authorization.can('read', 'OntologyLinkType'))
        ? await this.schema.linkTypes(undefined, (await this.authorization.accessibleWhere('read', 'OntologyLinkType')) as never)
        : [],
    ];
    return {
      schemaVersion: version,
      objectTypes: objectTypes.map((type) => ({
        apiName: type.apiName,
        displayName: type.displayName,
        description: type.description,
        primaryKey: type.primaryKey,
        titleProperty: type.titleProperty,
        properties: type.properties.map((property) => ({
          apiName: property.apiName,
          type: property.type,
          required: property.required,
          unique: property.unique,
          description: property.description,
          ...(property.enumValues ? { enumValues: property.enumValues } : {}),
          ...(property.itemType ? { itemType: property.itemType } : {}),
        })),
        propertiesSchema: propertiesJsonSchema(type.properties),
      })),
      linkTypes: linkTypes.map((type) => ({
        apiName: type.apiName,
        displayName: type.displayName,
        description: type.description,
        from: type.fromTypeApiName,
        to: type.toTypeApiName,
        cardinality: type.cardinality,
        properties: type.properties.map((property) => ({ apiName: property.apiName, type: property.type, description: property.description })),
      })),
      actionTypes: await this.registry.describe(),
    };
  }
}
