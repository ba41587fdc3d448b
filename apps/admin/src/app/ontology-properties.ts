/**
 * The property editor of the ontology manager and typed values of objects and action parameters:
 * the drafts a form edits (all text), their client-side check, and the conversion of a typed text
 * to the JSON value the API expects. The API validates again and has the last word; this only
 * catches the obvious before a round trip and says how to fix it.
 */
export const PROPERTY_TYPES = ['string', 'integer', 'decimal', 'boolean', 'date', 'timestamp', 'enum', 'json', 'array', 'media_reference'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

/** Item types an `array` property may hold (no nested arrays). */
export const ARRAY_ITEM_TYPES = PROPERTY_TYPES.filter((type) => type !== 'array');

export const PROPERTY_TYPE_LABELS: Record<PropertyType, string> = {
  string: 'text',
  integer: 'integer',
  decimal: 'decimal number',
  boolean: 'yes / no',
  date: 'date',
  timestamp: 'date and time',
  enum: 'one of a list',
  json: 'JSON',
  array: 'list',
  media_reference: 'media reference',
};

/** A property definition as the API reads and writes it. */
export interface PropertyDefinition {
  apiName: string;
  displayName: string;
  type: PropertyType;
  required: boolean;
  unique: boolean;
  description: string;
  enumValues?: string[];
  itemType?: PropertyType;
}

/** The editor's state of one property: text fields as typed. */
export interface PropertyDraft {
  apiName: string;
  displayName: string;
  type: PropertyType;
  required: boolean;
  unique: boolean;
  description: string;
  /** Enum values, comma or newline separated. */
  enumValues: string;
  itemType: PropertyType;
}

/** Api names of properties (the API's PROPERTY_API_NAME): camelCase, e.g. `customerId`. */
export const PROPERTY_API_NAME = /^[a-z][A-Za-z0-9_]{0,63}$/;
export const PROPERTY_API_NAME_HINT = 'A lowercase letter, then letters, digits or underscores (at most 64), e.g. customerId.';
/** Api names of object and link types (the API's TYPE_API_NAME): e.g. `Customer`, `SalesOrder`. */
export const TYPE_API_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const TYPE_API_NAME_HINT = 'A letter, then letters, digits or underscores (at most 64), e.g. Customer.';
const DESCRIPTION_MAX = 4000;

export function emptyPropertyDraft(): PropertyDraft {
  return { apiName: '', displayName: '', type: 'string', required: false, unique: false, description: '', enumValues: '', itemType: 'string' };
}

export function toPropertyDraft(definition: PropertyDefinition): PropertyDraft {
  return {
    apiName: definition.apiName,
    displayName: definition.displayName ?? '',
    type: definition.type,
    required: Boolean(definition.required),
    unique: Boolean(definition.unique),
    description: definition.description ?? '',
    enumValues: (definition.enumValues ?? []).join(', '),
    itemType: definition.itemType ?? 'string',
  };
}

export function parseEnumValues(text: string): string[] {
  return [...new Set(text.split(/[,\n]/).map((value) => value.trim()).filter(Boolean))];
}

/** The definition the API receives: display name defaulted to the api name, enum values and item type only where they apply. */
export function toPropertyDefinition(draft: PropertyDraft): PropertyDefinition {
  const apiName = draft.apiName.trim();
  return {
    apiName,
    displayName: draft.displayName.trim() || apiName,
    type: draft.type,
    required: draft.required,
    unique: draft.unique,
    description: draft.description.trim(),
    ...(draft.type === 'enum' || (draft.type === 'array' && draft.itemType === 'enum') ? { enumValues: parseEnumValues(draft.enumValues) } : {}),
    ...(draft.type === 'array' ? { itemType: draft.itemType } : {}),
  };
}

/** Problems of a property list: `properties.<index>.<field>` → message (the paths the API uses in its issues). */
export function propertyProblems(drafts: readonly PropertyDraft[]): Record<string, string> {
  const problems: Record<string, string> = {};
  const seen = new Map<string, number>();
  drafts.forEach((draft, index) => {
    const at = (field: string) => `properties.${index}.${field}`;
    const name = draft.apiName.trim();
    if (!name) problems[at('apiName')] = 'Give the property an api name.';
    else if (!PROPERTY_API_NAME.test(name)) problems[at('apiName')] = PROPERTY_API_NAME_HINT;
    else if (seen.has(name.toLowerCase())) problems[at('apiName')] = `Property ${(seen.get(name.toLowerCase()) ?? 0) + 1} already uses this name.`;
    else seen.set(name.toLowerCase(), index);
    const needsValues = draft.type === 'enum' || (draft.type === 'array' && draft.itemType === 'enum');
    if (needsValues && parseEnumValues(draft.enumValues).length === 0) problems[at('enumValues')] = 'List the allowed values, separated by commas.';
    if (draft.unique && (draft.type === 'json' || draft.type === 'array' || draft.type === 'boolean')) {
      problems[at('unique')] = `A ${PROPERTY_TYPE_LABELS[draft.type]} property cannot be unique.`;
    }
    if (draft.description.length > DESCRIPTION_MAX) problems[at('description')] = `At most ${DESCRIPTION_MAX} characters.`;
  });
  return problems;
}

export type ParsedValue = { ok: true; value: unknown } | { ok: false; problem: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The JSON value of `text` typed into a field of a property (or parameter) of `type`; empty text
 * is `null` (the caller decides whether that is allowed).
 */
export function parseTypedValue(text: string, type: PropertyType, options: { enumValues?: readonly string[]; itemType?: PropertyType } = {}): ParsedValue {
  const value = text.trim();
  if (value === '') return { ok: true, value: null };
  switch (type) {
    case 'string':
    case 'media_reference':
      return { ok: true, value: text };
    case 'integer':
      return /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? { ok: true, value: Number(value) } : { ok: false, problem: 'Enter a whole number, e.g. 42.' };
    case 'decimal':
      return /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value) ? { ok: true, value: Number(value) } : { ok: false, problem: 'Enter a number, e.g. 12.50.' };
    case 'boolean':
      if (['true', 'yes'].includes(value.toLowerCase())) return { ok: true, value: true };
      if (['false', 'no'].includes(value.toLowerCase())) return { ok: true, value: false };
      return { ok: false, problem: 'Choose yes or no.' };
    case 'date':
      return DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? { ok: true, value } : { ok: false, problem: 'Enter a date as YYYY-MM-DD.' };
    case 'timestamp': {
      const time = new Date(value);
      return Number.isNaN(time.getTime()) ? { ok: false, problem: 'Enter a date and time.' } : { ok: true, value: time.toISOString() };
    }
    case 'enum':
      if (options.enumValues && !options.enumValues.includes(value)) return { ok: false, problem: `Choose one of: ${options.enumValues.join(', ')}.` };
      return { ok: true, value };
    case 'json':
      try {
        return { ok: true, value: JSON.parse(value) as unknown };
      } catch {
        return { ok: false, problem: 'Enter valid JSON.' };
      }
    case 'array': {
      // A JSON array, or items separated by commas.
      let items: unknown[];
      if (value.startsWith('[')) {
        try {
          const parsed = JSON.parse(value) as unknown;
          if (!Array.isArray(parsed)) return { ok: false, problem: 'Enter a JSON array or values separated by commas.' };
          items = parsed;
        } catch {
          return { ok: false, problem: 'Enter a JSON array or values separated by commas.' };
        }
      } else {
        items = value.split(',').map((item) => item.trim()).filter(Boolean);
      }
      const itemType = options.itemType ?? 'string';
      const out: unknown[] = [];
      for (const [index, item] of items.entries()) {
        const parsed = typeof item === 'string' ? parseTypedValue(item, itemType, { enumValues: options.enumValues }) : { ok: true as const, value: item };
        if (!parsed.ok) return { ok: false, problem: `Item ${index + 1}: ${parsed.problem}` };
        out.push(parsed.value);
      }
      return { ok: true, value: out };
    }
  }
}

/** The text a field shows for a stored value (the inverse of parseTypedValue for the usual cases). */
export function formatTypedValue(value: unknown, type: PropertyType): string {
  if (value === null || value === undefined) return '';
  if (type === 'json') return JSON.stringify(value);
  if (type === 'array') return Array.isArray(value) && value.every((item) => typeof item !== 'object' || item === null) ? value.join(', ') : JSON.stringify(value);
  if (type === 'boolean') return value ? 'true' : 'false';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A value as read on the object view. */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Spreads the API's issues over a type form: `properties.<i>.<field>` for the property editor,
 * a top-level field name for the rest of the form. Issues of a validation request carry the
 * change's prefix (`changes.0.objectType.…`, `changes.0.update.…`), dropped here.
 */
export function schemaIssues(issues: ReadonlyArray<{ path: string; message: string }>, formFields: readonly string[]): { fields: Record<string, string>; other: string[] } {
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const issue of issues) {
    const path = issue.path.replace(/^changes\.\d+\.(objectType|linkType|update)\./, '');
    const property = /^properties\.\d+\.[A-Za-z]+/.exec(path)?.[0];
    const head = path.split('.')[0] ?? '';
    if (property) fields[property] ??= issue.message;
    else if (formFields.includes(head)) fields[head] ??= issue.message;
    else other.push(path && path !== '(root)' ? `${path}: ${issue.message}` : issue.message);
  }
  return { fields, other };
}
