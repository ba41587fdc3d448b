import type { ArrayItemType, PropertyDefinition, PropertyType } from './property-definition';

/** One failing field: where (`properties.email`), a stable code, and what to do. */
export interface FieldError {
  path: string;
  code: 'type_mismatch' | 'unknown_property' | 'required' | 'enum' | 'unique' | 'invalid_value' | 'too_large';
  message: string;
}

/** Ceilings of a single value. */
export const VALUE_LIMITS = {
  stringLength: 65_536,
  arrayItems: 10_000,
  jsonBytes: 262_144,
} as const;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// ISO 8601 with a time and an explicit zone, so a timestamp never depends on the server's zone.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
// A media reference is a URI with a scheme (https://…, s3://…, media:<id>).
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

type Check = { ok: true; value: unknown } | { ok: false; code: FieldError['code']; message: string };

/**
 * Checks one value against a property definition and returns it normalized (timestamps as UTC ISO
 * strings). `null`/`undefined` are not handled here: absence is the caller's business (required).
 */
export function checkPropertyValue(definition: Pick<PropertyDefinition, 'type' | 'enumValues' | 'itemType'>, value: unknown): Check {
  if (definition.type === 'array') {
    if (!Array.isArray(value)) return mismatch('an array', value);
    if (value.length > VALUE_LIMITS.arrayItems) return { ok: false, code: 'too_large', message: `at most ${VALUE_LIMITS.arrayItems} items` };
    const itemType: ArrayItemType = definition.itemType ?? 'json';
    const items: unknown[] = [];
    for (const [index, item] of value.entries()) {
      if (item === null || item === undefined) return { ok: false, code: 'invalid_value', message: `item ${index} is null` };
      const checked = checkScalar(itemType, definition.enumValues, item);
      if (!checked.ok) return { ...checked, message: `item ${index}: ${checked.message}` };
      items.push(checked.value);
    }
    return { ok: true, value: items };
  }
  return checkScalar(definition.type, definition.enumValues, value);
}

function checkScalar(type: Exclude<PropertyType, 'array'>, enumValues: readonly string[] | undefined, value: unknown): Check {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') return mismatch('a string', value);
      if (value.length > VALUE_LIMITS.stringLength) return { ok: false, code: 'too_large', message: `at most ${VALUE_LIMITS.stringLength} characters` };
      if (value.includes('\u0000')) return { ok: false, code: 'invalid_value', message: 'contains a NUL character' };
      return { ok: true, value };
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return mismatch('an integer (a JSON number without fraction, within ±2^53)', value);
      return { ok: true, value };
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) return mismatch('a decimal number (a finite JSON number)', value);
      return { ok: true, value };
    case 'boolean':
      if (typeof value !== 'boolean') return mismatch('true or false', value);
      return { ok: true, value };
    case 'date': {
      if (typeof value !== 'string') return mismatch('a date YYYY-MM-DD', value);
      const match = DATE.exec(value);
      const parsed = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
      if (!match || !parsed || parsed.getUTCDate() !== Number(match[3]) || parsed.getUTCMonth() !== Number(match[2]) - 1) {
        return { ok: false, code: 'type_mismatch', message: `expected a date YYYY-MM-DD, got ${preview(value)}` };
      }
      return { ok: true, value };
    }
    case 'timestamp': {
      if (typeof value !== 'string' || !TIMESTAMP.test(value) || Number.isNaN(Date.parse(value))) {
        return { ok: false, code: 'type_mismatch', message: `expected an ISO 8601 timestamp with a zone (2026-01-31T12:00:00Z), got ${preview(value)}` };
      }
      return { ok: true, value: new Date(value).toISOString() };
    }
    case 'enum':
      if (typeof value !== 'string') return mismatch(`one of ${(enumValues ?? []).join(', ')}`, value);
      if (!enumValues?.includes(value)) return { ok: false, code: 'enum', message: `${preview(value)} is not one of ${(enumValues ?? []).join(', ')}` };
      return { ok: true, value };
    case 'media_reference':
      if (typeof value !== 'string' || !URI.test(value) || value.length > 2_048) return mismatch('a media reference URI with a scheme (https://…, s3://…, media:<id>)', value);
      return { ok: true, value };
    case 'json': {
      let bytes: number;
      try {
        bytes = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
      } catch {
        return { ok: false, code: 'invalid_value', message: 'is not JSON' };
      }
      if (bytes > VALUE_LIMITS.jsonBytes) return { ok: false, code: 'too_large', message: `at most ${VALUE_LIMITS.jsonBytes} bytes of JSON` };
      return { ok: true, value };
    }
  }
}

function mismatch(expected: string, value: unknown): Check {
  return { ok: false, code: 'type_mismatch', message: `expected ${expected}, got ${describe(value)}` };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${preview(value)}`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Validates the properties of a new object (`mode: 'create'`) or a patch (`'patch'`: `null`
 * removes a property) against a type's definitions; returns the normalized values and every
 * failing field (never stops at the first).
 */
export function validateProperties(
  definitions: readonly PropertyDefinition[],
  input: Record<string, unknown>,
  mode: 'create' | 'patch',
  pathPrefix = 'properties',
): { values: Record<string, unknown>; errors: FieldError[] } {
  const byName = new Map(definitions.map((definition) => [definition.apiName, definition]));
  const values: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    return { values, errors: [{ path: pathPrefix, code: 'type_mismatch', message: 'expected an object of property values' }] };
  }
  for (const [name, value] of Object.entries(input)) {
    const definition = byName.get(name);
    const path = `${pathPrefix}.${name}`;
    if (!definition) {
      errors.push({ path, code: 'unknown_property', message: `the type has no property ${name}; known: ${[...byName.keys()].join(', ')}` });
      continue;
    }
    if (value === undefined) continue;
    if (value === null) {
      if (mode === 'patch') values[name] = null;
      continue;
    }
    const checked = checkPropertyValue(definition, value);
    if (checked.ok) values[name] = checked.value;
    else errors.push({ path, code: checked.code, message: checked.message });
  }
  return { values, errors };
}

/** Required properties missing from a complete set of values. */
export function missingRequired(definitions: readonly PropertyDefinition[], values: Record<string, unknown>, pathPrefix = 'properties'): FieldError[] {
  return definitions
    .filter((definition) => definition.required && (values[definition.apiName] === undefined || values[definition.apiName] === null))
    .map((definition) => ({ path: `${pathPrefix}.${definition.apiName}`, code: 'required' as const, message: `${definition.apiName} is required` }));
}

/**
 * Turns a text cell (CSV) into a value of the property's type. Empty text is absent. Arrays and
 * json are read as JSON text. Returns the raw text when it does not convert, so validation reports it.
 */
export function valueFromText(definition: Pick<PropertyDefinition, 'type'>, text: string): unknown {
  if (text === '') return undefined;
  switch (definition.type) {
    case 'integer':
    case 'decimal': {
      const trimmed = text.trim();
      const number = trimmed === '' ? Number.NaN : Number(trimmed);
      return Number.isFinite(number) ? number : text;
    }
    case 'boolean': {
      const lower = text.trim().toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      return text;
    }
    case 'json':
    case 'array':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    default:
      return text;
  }
}
