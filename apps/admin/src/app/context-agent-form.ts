import { findNodeAtLocation, parseTree, type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import type { FieldIssue } from '../api/api-client';

/** Agent names: the API's rule (libs/context agents/agent-input.ts AGENT_NAME). */
export const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,127}$/;
export const AGENT_NAME_HINT = 'Up to 128 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit.';

/** The spec's main fields the form edits; everything else is edited in the JSON. */
export interface AgentFormFields {
  instructions: string;
  modelAlias: string;
  defaultPurpose: string;
  maxSteps: string;
  busyPolicy: string;
}

export type AgentFormField = keyof AgentFormFields;

/** Where each form field lives in the spec: API issues at these paths land on the field. */
export const SPEC_FIELD_PATHS: Record<AgentFormField, string> = {
  instructions: 'instructions',
  modelAlias: 'model.alias',
  defaultPurpose: 'defaultPurpose',
  maxSteps: 'limits.maxSteps',
  busyPolicy: 'busyPolicy',
};

/** A starting spec: only what has no default, plus a few fields people change first. */
export function starterSpec(alias = '', purpose = ''): Record<string, unknown> {
  return {
    instructions: 'You are a helpful assistant. Answer briefly and cite the tools you used.',
    model: { alias },
    tools: [],
    limits: { maxSteps: 10 },
    defaultPurpose: purpose,
    busyPolicy: 'queue',
  };
}

export function specText(spec: unknown): string {
  return `${JSON.stringify(spec, null, 2)}\n`;
}

export type ParsedSpec = { ok: true; value: Record<string, unknown> } | { ok: false; problem: string };

/** The JSON editor's text as an object; a syntax error is reported with its line and column. */
export function parseSpecText(text: string): ParsedSpec {
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text, errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (first) {
    const { line, column } = lineAndColumn(text, first.offset);
    return { ok: false, problem: `JSON ${printParseErrorCode(first.error)} at line ${line}, column ${column}.` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: 'The spec must be a JSON object.' };
  return { ok: true, value: value as Record<string, unknown> };
}

function at(spec: Record<string, unknown>, path: string): unknown {
  let current: unknown = spec;
  for (const key of path.split('.')) current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[key] : undefined;
  return current;
}

/** The form fields shown for a spec (empty where the spec has nothing). */
export function fieldsFromSpec(spec: Record<string, unknown>): AgentFormFields {
  const text = (path: string) => {
    const value = at(spec, path);
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  };
  return {
    instructions: text('instructions'),
    modelAlias: text('model.alias'),
    defaultPurpose: text('defaultPurpose'),
    maxSteps: text('limits.maxSteps'),
    busyPolicy: text('busyPolicy') || 'queue',
  };
}

/**
 * The spec with one form field written into it (the JSON stays the whole truth: the form is a view
 * of some of its fields). A number field that is not a number is written as typed, so the API's
 * error lands on it rather than the form silently dropping it.
 */
export function withField(spec: Record<string, unknown>, field: AgentFormField, value: string): Record<string, unknown> {
  const next = structuredClone(spec);
  const path = SPEC_FIELD_PATHS[field].split('.');
  let target = next;
  for (const key of path.slice(0, -1)) {
    const child = target[key];
    if (typeof child !== 'object' || child === null || Array.isArray(child)) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  const last = path.at(-1) as string;
  if (field === 'maxSteps') {
    if (value.trim() === '') delete target[last];
    else target[last] = /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  } else {
    target[last] = value;
  }
  return next;
}

export interface PlacedIssue extends FieldIssue {
  /** Line of the JSON editor the path points at (1-based), when it is in the text. */
  line?: number;
}

export interface PlacedSpecIssues {
  /** The first message per form field. */
  fields: Partial<Record<AgentFormField, string>>;
  /** Every spec issue, at its path (and line), for the list beside the JSON editor. */
  spec: PlacedIssue[];
}

/** Spreads the API's spec issues (paths inside the spec) over the form fields and the JSON editor. */
export function placeSpecIssues(issues: readonly FieldIssue[], text: string): PlacedSpecIssues {
  const fields: Partial<Record<AgentFormField, string>> = {};
  const spec: PlacedIssue[] = [];
  for (const issue of issues) {
    for (const [field, path] of Object.entries(SPEC_FIELD_PATHS) as Array<[AgentFormField, string]>) {
      if (issue.path === path || issue.path.startsWith(`${path}.`)) fields[field] ??= issue.message;
    }
    const line = lineOfPath(text, issue.path);
    spec.push(line === undefined ? { ...issue } : { ...issue, line });
  }
  return { fields, spec };
}

/** The 1-based line where the value at a dotted path (`tools.1.kind`) starts in a JSON text; the nearest existing parent when it is missing. */
export function lineOfPath(text: string, path: string): number | undefined {
  const tree = parseTree(text);
  if (!tree) return undefined;
  const segments = path === '(root)' || path === '' ? [] : path.split('.').map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
  for (let length = segments.length; length >= 0; length -= 1) {
    const node = findNodeAtLocation(tree, segments.slice(0, length));
    if (node) {
      // For a property's value, point at its key (the line a reader looks for).
      const offset = node.parent?.type === 'property' ? node.parent.offset : node.offset;
      return lineAndColumn(text, offset).line;
    }
  }
  return undefined;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}
