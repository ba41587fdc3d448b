/** The action type editor: a definition typed as JSON (parameters, criteria, effects, approval), checked for shape before it is sent. */

/** Action api names (the API's rule): camelCase, e.g. `refundOrder`. */
export const ACTION_API_NAME = /^[a-z][A-Za-z0-9_]{0,63}$/;
export const ACTION_API_NAME_HINT = 'A lowercase letter, then letters, digits or underscores (at most 64), e.g. refundOrder.';

const KEYS = ['parameters', 'criteria', 'effects', 'approval'] as const;

export const ACTION_DEFINITION_EXAMPLE = `{
  "parameters": [
    { "apiName": "order", "type": "object_reference", "objectType": "Order", "description": "The order to update" },
    { "apiName": "status", "type": "enum", "enumValues": ["open", "shipped"], "description": "The new status" }
  ],
  "criteria": [
    { "kind": "objectProperty", "parameter": "order", "property": "status", "op": "ne", "value": "cancelled", "description": "Cancelled orders cannot change" }
  ],
  "effects": [
    { "kind": "modifyObject", "object": "{{params.order}}", "properties": { "status": "{{params.status}}" } }
  ],
  "approval": null
}`;

export type ParsedDefinition = { ok: true; value: Record<string, unknown> } | { ok: false; problem: string };

export function parseActionDefinition(text: string): ParsedDefinition {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `Not valid JSON: ${(error as Error).message}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problem: 'Write a JSON object with parameters, criteria, effects and approval.' };
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !(KEYS as readonly string[]).includes(key));
  if (unknown.length) return { ok: false, problem: `Unknown key${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (allowed: ${KEYS.join(', ')}).` };
  if (!Array.isArray(record['effects']) || record['effects'].length === 0) return { ok: false, problem: 'List at least one effect under "effects".' };
  for (const key of ['parameters', 'criteria'] as const) {
    if (record[key] !== undefined && !Array.isArray(record[key])) return { ok: false, problem: `"${key}" must be a list.` };
  }
  return { ok: true, value: record };
}
