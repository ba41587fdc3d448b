/**
 * The action form, rendered from an action type's parameter definitions: which control each
 * parameter gets, the conversion of what was typed into the parameters object the API takes, and
 * the flattening of the criteria report for display. The API validates the parameters and
 * evaluates the criteria; the client only refuses what cannot be sent (text in a number field).
 */
import { ApiError, type FieldIssue } from '../api/api-client';
import { fieldIssues } from './ontology-errors';
import type { ActionChange, ActionValidation, CriterionResult, ParameterDefinition, ParameterType } from '../api/ontology-actions';
import { parseTypedValue, type PropertyType } from './ontology-properties';

export type ParameterControl = 'text' | 'number' | 'checkbox' | 'select' | 'date' | 'datetime' | 'json' | 'list' | 'object';

export function parameterControl(parameter: ParameterDefinition): ParameterControl {
  switch (parameter.type) {
    case 'integer':
    case 'decimal':
      return 'number';
    case 'boolean':
      return 'checkbox';
    case 'enum':
      return 'select';
    case 'date':
      return 'date';
    case 'timestamp':
      return 'datetime';
    case 'json':
      return 'json';
    case 'array':
      return 'list';
    case 'object_reference':
      return 'object';
    default:
      return 'text';
  }
}

export function parameterLabel(parameter: ParameterDefinition): string {
  return parameter.displayName || parameter.apiName;
}

/** How the form describes the expected value under the control. */
export function parameterHint(parameter: ParameterDefinition): string {
  const parts: string[] = [];
  const description = parameter.description.trim();
  if (description) parts.push(/[.!?]$/.test(description) ? description : `${description}.`);
  if (parameter.type === 'array') parts.push(`A list of ${parameter.itemType ?? 'string'} values, separated by commas.`);
  if (parameter.type === 'json') parts.push('JSON.');
  if (parameter.minimum !== undefined && parameter.maximum !== undefined) parts.push(`Between ${parameter.minimum} and ${parameter.maximum}.`);
  else if (parameter.minimum !== undefined) parts.push(`At least ${parameter.minimum}.`);
  else if (parameter.maximum !== undefined) parts.push(`At most ${parameter.maximum}.`);
  if (!parameter.required) parts.push('Optional.');
  return parts.join(' ');
}

function asPropertyType(type: ParameterType): PropertyType {
  return type === 'object_reference' ? 'string' : type;
}

/** The form's values: text per parameter (checkboxes as 'true'/'false'; datetime as local wall time). */
export type ParameterDrafts = Record<string, string>;

export interface ParsedParameters {
  values: Record<string, unknown>;
  problems: Record<string, string>;
}

/**
 * The parameters object of the drafts. Empty optional parameters are left out; an empty required
 * one is left out too, so the API reports it in its own words.
 */
export function parseParameters(parameters: readonly ParameterDefinition[], drafts: ParameterDrafts): ParsedParameters {
  const values: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const parameter of parameters) {
    const text = drafts[parameter.apiName] ?? '';
    if (parameter.type === 'boolean') {
      values[parameter.apiName] = text === 'true';
      continue;
    }
    if (text.trim() === '') continue;
    const parsed = parseTypedValue(text, asPropertyType(parameter.type), { enumValues: parameter.enumValues, itemType: parameter.itemType });
    if (parsed.ok) values[parameter.apiName] = parsed.value;
    else problems[parameter.apiName] = parsed.problem;
  }
  return { values, problems };
}

export interface CriterionRow {
  result: CriterionResult;
  depth: number;
}

/** Criteria as rows, nested ones indented under their group. */
export function flattenCriteria(results: readonly CriterionResult[], depth = 0): CriterionRow[] {
  return results.flatMap((result) => [{ result, depth }, ...flattenCriteria(result.children ?? [], depth + 1)]);
}

/** What a criterion found, as a short text. */
export function describeActual(actual: unknown): string {
  if (actual === undefined) return 'nothing';
  if (actual === null) return 'null';
  if (typeof actual === 'string') return actual;
  return JSON.stringify(actual);
}

/**
 * A submission report out of a failed apply (400/422): the API puts the field issues and the
 * criteria in the error's details. Undefined when the error is something else.
 */
export function reportOfFailure(error: unknown): ActionValidation | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const details = (error.details ?? {}) as { issues?: unknown; errors?: unknown; criteria?: unknown; failures?: unknown };
  const errors = [...error.issues, ...fieldIssues(details.errors)];
  const criteria = Array.isArray(details.criteria) ? (details.criteria as CriterionResult[]) : [];
  if (!errors.length && !criteria.length) return undefined;
  return { valid: false, errors, criteria };
}

/** Field errors by parameter (`lines.2` belongs to `lines`), and the rest. */
export function errorsByParameter(errors: readonly FieldIssue[], parameters: readonly ParameterDefinition[]): { fields: Record<string, string>; other: string[] } {
  const names = new Set(parameters.map((parameter) => parameter.apiName));
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const issue of errors) {
    const head = issue.path.replace(/^parameters\./, '').split('.')[0] ?? '';
    if (names.has(head)) fields[head] ??= issue.message;
    else other.push(issue.path && issue.path !== '(root)' ? `${issue.path}: ${issue.message}` : issue.message);
  }
  return { fields, other };
}

/** The properties a modifying change changed, as [name, before, after] (none for creations and deletions). */
export function changedValues(change: ActionChange): Array<[string, unknown, unknown]> {
  if (change.kind !== 'object' || !change.before || !change.after) return [];
  const propertiesOf = (state: Record<string, unknown>) => (state['properties'] ?? {}) as Record<string, unknown>;
  const before = propertiesOf(change.before);
  const after = propertiesOf(change.after);
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names.filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name])).map((name) => [name, before[name], after[name]]);
}
