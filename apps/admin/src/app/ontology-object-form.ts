/** The object form (create, inline edit): the text of each property and its conversion back to typed values. */
import type { ObjectType } from '../api/ontology-schema';
import { formatTypedValue, parseTypedValue } from './ontology-properties';

export type ValueDrafts = Record<string, string>;

/** The editable text of an object's stored properties. */
export function valueDrafts(type: ObjectType, properties: Record<string, unknown> = {}): ValueDrafts {
  return Object.fromEntries(type.properties.map((property) => [property.apiName, formatTypedValue(properties[property.apiName], property.type)]));
}

/**
 * The properties object of the drafts, typed after the object type, and the problems found.
 * With `original` (an edit), only changed properties are sent (an edit sends only what changed; a cleared value is null).
 */
export function parseValueDrafts(type: ObjectType, drafts: ValueDrafts, original?: Record<string, unknown>): { values: Record<string, unknown>; problems: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const property of type.properties) {
    const text = drafts[property.apiName] ?? '';
    if (original && text === formatTypedValue(original[property.apiName], property.type)) continue;
    const parsed = parseTypedValue(text, property.type, { enumValues: property.enumValues, itemType: property.itemType });
    if (!parsed.ok) problems[property.apiName] = parsed.problem;
    else if (parsed.value === null && property.required) problems[property.apiName] = 'Required.';
    else if (parsed.value !== null || original) values[property.apiName] = parsed.value;
  }
  return { values, problems };
}

