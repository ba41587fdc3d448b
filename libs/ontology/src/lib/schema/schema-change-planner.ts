import { Injectable } from '@nestjs/common';
import type { Prisma } from '@strata/db';
import {
  SCHEMA_LIMITS,
  type LinkTypeDefinition,
  type LinkTypeRecord,
  type ObjectTypeDefinition,
  type ObjectTypeRecord,
  type PropertyDefinition,
  type SchemaChange,
} from './property-definition';
import type { ChangeFinding, ChangeReport, SchemaValidationReport } from './schema-change-report';
import { SchemaDataInspector, type DataOwner } from './schema-data-inspector';

/** Working copies: what the schema would be after the changes. Ids of new types are empty until applied. */
export interface PlannedSchema {
  objectTypes: Map<string, ObjectTypeRecord>;
  linkTypes: Map<string, LinkTypeRecord>;
}

const PRIMARY_KEY_TYPES = new Set(['string', 'integer', 'date', 'enum']);
const NOT_UNIQUE_TYPES = new Set(['json', 'array']);

/**
 * Checks a list of schema changes against the current schema and the existing data, in order
 * (a later change sees the earlier ones), and builds the schema they would produce. Every finding
 * says what and why; a change with an `error` or `breaking` finding makes the whole list invalid.
 */
@Injectable()
export class SchemaChangePlanner {
  constructor(private readonly data: SchemaDataInspector) {}

  async plan(
    current: { version: number; objectTypes: ObjectTypeRecord[]; linkTypes: LinkTypeRecord[] },
    changes: SchemaChange[],
    tx: Prisma.TransactionClient,
  ): Promise<{ report: SchemaValidationReport; planned: PlannedSchema }> {
    const planned: PlannedSchema = {
      objectTypes: new Map(current.objectTypes.map((type) => [type.apiName, structuredClone(type)])),
      linkTypes: new Map(current.linkTypes.map((type) => [type.apiName, structuredClone(type)])),
    };
    const existing = new Set(current.objectTypes.map((type) => `o:${type.apiName}`).concat(current.linkTypes.map((type) => `l:${type.apiName}`)));
    const reports: ChangeReport[] = [];
    for (const [index, change] of changes.entries()) {
      const findings: ChangeFinding[] = [];
      const target = 'apiName' in change ? change.apiName : change.kind === 'create_object_type' ? change.objectType.apiName : change.linkType.apiName;
      switch (change.kind) {
        case 'create_object_type':
          this.createObjectType(change.objectType, planned, findings);
          break;
        case 'update_object_type':
          await this.updateObjectType(change.apiName, change.update, planned, existing.has(`o:${change.apiName}`), findings, tx);
          break;
        case 'delete_object_type':
          await this.deleteObjectType(change.apiName, planned, existing.has(`o:${change.apiName}`), findings, tx);
          break;
        case 'create_link_type':
          this.createLinkType(change.linkType, planned, findings);
          break;
        case 'update_link_type':
          await this.updateLinkType(change.apiName, change.update, planned, existing.has(`l:${change.apiName}`), findings, tx);
          break;
        case 'delete_link_type':
          await this.deleteLinkType(change.apiName, planned, existing.has(`l:${change.apiName}`), findings, tx);
          break;
      }
      reports.push({ index, kind: change.kind, target, ok: !findings.some(isBlocking), findings });
    }
    return { report: { valid: reports.every((report) => report.ok), baseVersion: current.version, changes: reports }, planned };
  }

  private createObjectType(definition: ObjectTypeDefinition, planned: PlannedSchema, findings: ChangeFinding[]): void {
    if (planned.objectTypes.has(definition.apiName)) {
      findings.push(error('type_exists', `An object type ${definition.apiName} already exists.`, 'apiName'));
      return;
    }
    if (planned.objectTypes.size >= SCHEMA_LIMITS.objectTypesPerTenant) {
      findings.push(error('too_many_types', `A tenant has at most ${SCHEMA_LIMITS.objectTypesPerTenant} object types.`));
    }
    const properties = normalizeObjectProperties(definition.primaryKey, definition.properties, findings);
    checkObjectTypeShape(definition.primaryKey, definition.titleProperty, properties, findings);
    findings.push(info('create', `Creates object type ${definition.apiName} with ${properties.length} properties (primary key ${definition.primaryKey}).`));
    planned.objectTypes.set(definition.apiName, {
      id: '',
      apiName: definition.apiName,
      displayName: definition.displayName,
      description: definition.description,
      primaryKey: definition.primaryKey,
      titleProperty: definition.titleProperty,
      properties,
      schemaVersion: 0,
      createdAt: new Date(0),
      updatedAt: new Date(0),
    });
  }

  private async updateObjectType(
    apiName: string,
    update: { displayName?: string; description?: string; titleProperty?: string; properties?: PropertyDefinition[] },
    planned: PlannedSchema,
    hasData: boolean,
    findings: ChangeFinding[],
    tx: Prisma.TransactionClient,
  ): Promise<void> {
    const type = planned.objectTypes.get(apiName);
    if (!type) {
      findings.push(error('unknown_type', `There is no object type ${apiName}.`, 'apiName'));
      return;
    }
    const next: ObjectTypeRecord = { ...type, ...withoutUndefined({ displayName: update.displayName, description: update.description, titleProperty: update.titleProperty }) };
    if (update.properties) next.properties = normalizeObjectProperties(type.primaryKey, update.properties, findings);
    checkObjectTypeShape(next.primaryKey, next.titleProperty, next.properties, findings);
    if (update.displayName !== undefined || update.description !== undefined || update.titleProperty !== undefined) {
      findings.push(info('metadata', `Changes the display name, description or title property of ${apiName}.`));
    }
    if (update.properties) {
      const owner: DataOwner = { kind: 'object', typeApiName: apiName };
      const pk = next.properties.find((property) => property.apiName === type.primaryKey);
      if (!pk) findings.push(error('primary_key_removed', `The primary key ${type.primaryKey} cannot be removed.`, `properties.${type.primaryKey}`));
      await this.compareProperties(owner, type.properties, next.properties, hasData, findings, tx);
    }
    planned.objectTypes.set(apiName, next);
  }

  private async deleteObjectType(apiName: string, planned: PlannedSchema, hasData: boolean, findings: ChangeFinding[], tx: Prisma.TransactionClient): Promise<void> {
    if (!planned.objectTypes.has(apiName)) {
      findings.push(error('unknown_type', `There is no object type ${apiName}.`, 'apiName'));
      return;
    }
    const linkTypes = [...planned.linkTypes.values()].filter((link) => link.fromTypeApiName === apiName || link.toTypeApiName === apiName);
    if (linkTypes.length) {
      findings.push(
        error('type_in_use', `Link types ${linkTypes.map((link) => link.apiName).join(', ')} connect ${apiName}; delete them first (in this change list or before).`),
      );
    }
    if (hasData) {
      const count = await this.data.countLive({ kind: 'object', typeApiName: apiName }, tx);
      if (count) findings.push(breaking('type_has_objects', `${count} live ${apiName} objects exist; delete them before the type.`, undefined, { count }));
    }
    findings.push(info('delete', `Deletes object type ${apiName}; earlier schema versions keep its definition.`));
    planned.objectTypes.delete(apiName);
  }

  private createLinkType(definition: LinkTypeDefinition, planned: PlannedSchema, findings: ChangeFinding[]): void {
    if (planned.linkTypes.has(definition.apiName)) {
      findings.push(error('type_exists', `A link type ${definition.apiName} already exists.`, 'apiName'));
      return;
    }
    if (planned.linkTypes.size >= SCHEMA_LIMITS.linkTypesPerTenant) {
      findings.push(error('too_many_types', `A tenant has at most ${SCHEMA_LIMITS.linkTypesPerTenant} link types.`));
    }
    for (const [path, name] of [
      ['fromTypeApiName', definition.fromTypeApiName],
      ['toTypeApiName', definition.toTypeApiName],
    ] as const) {
      if (!planned.objectTypes.has(name)) findings.push(error('unknown_type', `There is no object type ${name} (${path}).`, path));
    }
    checkPropertyList(definition.properties, findings);
    findings.push(
      info('create', `Creates link type ${definition.apiName} from ${definition.fromTypeApiName} to ${definition.toTypeApiName} (${definition.cardinality}).`),
    );
    planned.linkTypes.set(definition.apiName, { id: '', ...definition, schemaVersion: 0, createdAt: new Date(0), updatedAt: new Date(0) });
  }

  private async updateLinkType(
    apiName: string,
    update: { displayName?: string; description?: string; cardinality?: LinkTypeRecord['cardinality']; properties?: PropertyDefinition[] },
    planned: PlannedSchema,
    hasData: boolean,
    findings: ChangeFinding[],
    tx: Prisma.TransactionClient,
  ): Promise<void> {
    const type = planned.linkTypes.get(apiName);
    if (!type) {
      findings.push(error('unknown_type', `There is no link type ${apiName}.`, 'apiName'));
      return;
    }
    const next: LinkTypeRecord = { ...type, ...withoutUndefined({ displayName: update.displayName, description: update.description, cardinality: update.cardinality }) };
    if (update.properties) {
      checkPropertyList(update.properties, findings);
      next.properties = update.properties;
      await this.compareProperties({ kind: 'link', linkTypeApiName: apiName }, type.properties, update.properties, hasData, findings, tx);
    }
    if (update.cardinality && update.cardinality !== type.cardinality) {
      findings.push(info('cardinality', `Changes the cardinality from ${type.cardinality} to ${update.cardinality}.`, 'cardinality'));
      if (hasData) {
        const ends: ('from' | 'to')[] = update.cardinality === 'one_to_one' ? ['from', 'to'] : update.cardinality === 'one_to_many' ? ['to'] : [];
        for (const end of ends) {
          const shared = await this.data.linksSharingEnd(apiName, end, tx);
          if (shared.count) {
            findings.push(
              breaking(
                'cardinality_violated_by_data',
                `Some ${end === 'to' ? 'target' : 'source'} objects already have several ${apiName} links, which ${update.cardinality} forbids.`,
                'cardinality',
                shared,
              ),
            );
          }
        }
      }
    }
    planned.linkTypes.set(apiName, next);
  }

  private async deleteLinkType(apiName: string, planned: PlannedSchema, hasData: boolean, findings: ChangeFinding[], tx: Prisma.TransactionClient): Promise<void> {
    if (!planned.linkTypes.has(apiName)) {
      findings.push(error('unknown_type', `There is no link type ${apiName}.`, 'apiName'));
      return;
    }
    if (hasData) {
      const count = await this.data.countLive({ kind: 'link', linkTypeApiName: apiName }, tx);
      if (count) findings.push(breaking('type_has_links', `${count} live ${apiName} links exist; delete them before the link type.`, undefined, { count }));
    }
    findings.push(info('delete', `Deletes link type ${apiName}; earlier schema versions keep its definition.`));
    planned.linkTypes.delete(apiName);
  }

  /** Property by property: what the new definitions do to the values stored under the old ones. */
  private async compareProperties(
    owner: DataOwner,
    before: PropertyDefinition[],
    after: PropertyDefinition[],
    hasData: boolean,
    findings: ChangeFinding[],
    tx: Prisma.TransactionClient,
  ): Promise<void> {
    const old = new Map(before.map((property) => [property.apiName, property]));
    const next = new Map(after.map((property) => [property.apiName, property]));
    for (const name of old.keys()) {
      const path = `properties.${name}`;
      if (next.has(name)) continue;
      const withValue = hasData ? await this.data.withValue(owner, name, tx) : { count: 0, sampleIds: [] };
      if (withValue.count) {
        findings.push(breaking('property_has_data', `${withValue.count} records have a value for ${name}; clear them (set to null) before removing the property.`, path, withValue));
      } else findings.push(info('property_removed', `Removes property ${name} (no record has a value for it).`, path));
    }
    for (const [name, property] of next) {
      const path = `properties.${name}`;
      const previous = old.get(name);
      if (!previous) {
        if (property.required && hasData) {
          const count = await this.data.countLive(owner, tx);
          if (count) findings.push(breaking('required_property_added', `${count} existing records would lack the new required property ${name}; add it as optional, fill it, then make it required.`, path, { count }));
        }
        findings.push(info('property_added', `Adds property ${name} (${property.type}).`, path));
        continue;
      }
      const typeChanged = previous.type !== property.type || previous.itemType !== property.itemType;
      const enumChanged = JSON.stringify(previous.enumValues ?? null) !== JSON.stringify(property.enumValues ?? null);
      if ((typeChanged || enumChanged) && hasData) {
        const invalid = await this.data.invalidValues(owner, property, tx);
        if (invalid.count) {
          findings.push(
            breaking(
              'values_do_not_convert',
              `${invalid.count} stored values of ${name} are not valid as ${describeType(property)} (was ${describeType(previous)}); change or clear them first.`,
              path,
              invalid,
            ),
          );
        } else findings.push(info('type_changed', `Changes ${name} from ${describeType(previous)} to ${describeType(property)}; every stored value is already valid and kept as is.`, path));
      } else if (typeChanged || enumChanged) {
        findings.push(info('type_changed', `Changes ${name} from ${describeType(previous)} to ${describeType(property)}.`, path));
      }
      if (property.required && !previous.required && hasData) {
        const missing = await this.data.withoutValue(owner, name, tx);
        if (missing.count) findings.push(breaking('required_but_missing', `${missing.count} records have no value for ${name}; fill them before making it required.`, path, missing));
      }
      if (property.unique && !previous.unique && hasData) {
        const duplicates = await this.data.duplicateValues(owner, name, tx);
        if (duplicates.count) {
          findings.push(breaking('duplicate_values', `Several records share values of ${name}; make them distinct before making it unique.`, path, duplicates));
        }
      }
    }
  }
}

/** The primary key is always required and unique; say so rather than refuse. */
function normalizeObjectProperties(primaryKey: string, properties: PropertyDefinition[], findings: ChangeFinding[]): PropertyDefinition[] {
  return properties.map((property) => {
    if (property.apiName !== primaryKey || (property.required && property.unique)) return property;
    findings.push(info('primary_key_normalized', `The primary key ${primaryKey} is made required and unique.`, `properties.${primaryKey}`));
    return { ...property, required: true, unique: true };
  });
}

function checkObjectTypeShape(primaryKey: string, titleProperty: string, properties: PropertyDefinition[], findings: ChangeFinding[]): void {
  checkPropertyList(properties, findings);
  const pk = properties.find((property) => property.apiName === primaryKey);
  if (!pk) findings.push(error('unknown_primary_key', `The primary key ${primaryKey} is not one of the properties.`, 'primaryKey'));
  else if (!PRIMARY_KEY_TYPES.has(pk.type)) {
    findings.push(error('primary_key_type', `A primary key is a ${[...PRIMARY_KEY_TYPES].join(', ')} property; ${primaryKey} is ${pk.type}.`, 'primaryKey'));
  }
  if (!properties.some((property) => property.apiName === titleProperty)) {
    findings.push(error('unknown_title_property', `The title property ${titleProperty} is not one of the properties.`, 'titleProperty'));
  }
}

function checkPropertyList(properties: PropertyDefinition[], findings: ChangeFinding[]): void {
  const seen = new Set<string>();
  for (const property of properties) {
    const path = `properties.${property.apiName}`;
    if (seen.has(property.apiName)) findings.push(error('duplicate_property', `Property ${property.apiName} is defined twice.`, path));
    seen.add(property.apiName);
    const usesEnum = property.type === 'enum' || (property.type === 'array' && property.itemType === 'enum');
    if (usesEnum && !property.enumValues?.length) findings.push(error('enum_values_missing', `${property.apiName} is an enum: list its enumValues.`, path));
    if (!usesEnum && property.enumValues) findings.push(error('enum_values_unexpected', `${property.apiName} is not an enum: remove enumValues.`, path));
    if (property.enumValues && new Set(property.enumValues).size !== property.enumValues.length) {
      findings.push(error('enum_values_duplicate', `${property.apiName} lists an enum value twice.`, path));
    }
    if (property.type === 'array' && !property.itemType) findings.push(error('item_type_missing', `${property.apiName} is an array: give its itemType.`, path));
    if (property.type !== 'array' && property.itemType) findings.push(error('item_type_unexpected', `${property.apiName} is not an array: remove itemType.`, path));
    if (property.unique && NOT_UNIQUE_TYPES.has(property.type)) findings.push(error('unique_not_supported', `A ${property.type} property cannot be unique.`, path));
  }
}

function describeType(property: PropertyDefinition): string {
  if (property.type === 'array') return `array of ${property.itemType ?? 'json'}${property.enumValues ? ` (${property.enumValues.join('|')})` : ''}`;
  if (property.type === 'enum') return `enum (${(property.enumValues ?? []).join('|')})`;
  return property.type;
}

function isBlocking(finding: ChangeFinding): boolean {
  return finding.severity !== 'info';
}

function error(code: string, message: string, path?: string): ChangeFinding {
  return { severity: 'error', code, message, ...(path ? { path } : {}) };
}

function breaking(code: string, message: string, path: string | undefined, affected: ChangeFinding['affected']): ChangeFinding {
  return { severity: 'breaking', code, message, ...(path ? { path } : {}), ...(affected ? { affected } : {}) };
}

function info(code: string, message: string, path?: string): ChangeFinding {
  return { severity: 'info', code, message, ...(path ? { path } : {}) };
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as Partial<T>;
}
