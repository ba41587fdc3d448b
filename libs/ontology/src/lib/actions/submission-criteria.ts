import { z } from 'zod';
import { ACTION_LIMITS } from './action-parameters';

/**
 * Submission criteria: conditions an action's submission must meet, evaluated on the server at
 * validation, at submission and again at execution (an approved action re-checks object state).
 * Each criterion explains itself: which one, what was expected, what was found.
 */
export const COMPARISON_OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'notIn', 'contains', 'isNull', 'isNotNull'] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/** A literal, or the value of another parameter (`{"parameter": "limit"}`). */
const operandSchema = z.union([z.object({ parameter: z.string().min(1).max(64) }).strict(), z.json()]);

const base = {
  id: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/).optional(),
  /** Shown when the criterion fails: written for the person or agent submitting. */
  description: z.string().max(500).optional(),
};

export type Criterion =
  | { kind: 'parameter'; id?: string; description?: string; parameter: string; op: ComparisonOperator; value?: unknown }
  | { kind: 'objectProperty'; id?: string; description?: string; parameter: string; property: string; op: ComparisonOperator; value?: unknown }
  | { kind: 'role'; id?: string; description?: string; anyOf: string[] }
  | { kind: 'purpose'; id?: string; description?: string; anyOf: string[] }
  | { kind: 'all' | 'any'; id?: string; description?: string; criteria: Criterion[] }
  | { kind: 'not'; id?: string; description?: string; criterion: Criterion };

export const criterionSchema: z.ZodType<Criterion> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ ...base, kind: z.literal('parameter'), parameter: z.string().min(1).max(64), op: z.enum(COMPARISON_OPERATORS), value: operandSchema.optional() }).strict(),
    z
      .object({
        ...base,
        kind: z.literal('objectProperty'),
        /** An objectReference parameter; the criterion reads that object's current state. */
        parameter: z.string().min(1).max(64),
        property: z.string().min(1).max(64),
        op: z.enum(COMPARISON_OPERATORS),
        value: operandSchema.optional(),
      })
      .strict(),
    z.object({ ...base, kind: z.literal('role'), anyOf: z.array(z.string().min(1).max(64)).min(1).max(20) }).strict(),
    z.object({ ...base, kind: z.literal('purpose'), anyOf: z.array(z.string().min(1).max(64)).min(1).max(20) }).strict(),
    z.object({ ...base, kind: z.enum(['all', 'any']), criteria: z.array(criterionSchema).min(1).max(ACTION_LIMITS.criteriaMax) }).strict(),
    z.object({ ...base, kind: z.literal('not'), criterion: criterionSchema }).strict(),
  ]),
) as z.ZodType<Criterion>;

export interface ReferencedObject {
  id: string;
  objectType: string;
  properties: Record<string, unknown>;
  version: number;
}

export interface CriteriaContext {
  parameters: Record<string, unknown>;
  /** Objects referenced by objectReference parameters (null: no such live object in the tenant). */
  objects: ReadonlyMap<string, ReferencedObject | null>;
  roles: readonly string[];
  purpose: string | undefined;
}

export interface CriterionResult {
  /** The criterion's id, or its position such as `criteria[2]` / `criteria[0].criteria[1]`. */
  id: string;
  kind: Criterion['kind'];
  description?: string;
  passed: boolean;
  /** What the criterion requires, e.g. `amount lte 500` or `one of roles [approver]`. */
  expected: string;
  /** What was found. */
  actual: unknown;
  children?: CriterionResult[];
}

export interface CriteriaEvaluation {
  passed: boolean;
  results: CriterionResult[];
  /** Leaf criteria that failed and made the whole fail: what to fix. */
  failures: CriterionResult[];
}

export function evaluateCriteria(criteria: readonly Criterion[], context: CriteriaContext): CriteriaEvaluation {
  const results = criteria.map((criterion, index) => evaluateOne(criterion, context, `criteria[${index}]`));
  const failures: CriterionResult[] = [];
  for (const result of results) collectFailures(result, failures);
  return { passed: results.every((result) => result.passed), results, failures };
}

function collectFailures(result: CriterionResult, into: CriterionResult[]): void {
  if (result.passed) return;
  const failedChildren = result.children?.filter((child) => !child.passed) ?? [];
  if (result.kind === 'not' || failedChildren.length === 0) into.push(result);
  else for (const child of failedChildren) collectFailures(child, into);
}

function evaluateOne(criterion: Criterion, context: CriteriaContext, position: string): CriterionResult {
  const id = criterion.id ?? position;
  const head = { id, kind: criterion.kind, ...(criterion.description ? { description: criterion.description } : {}) };
  switch (criterion.kind) {
    case 'parameter': {
      const actual = context.parameters[criterion.parameter] ?? null;
      const expectedValue = operand(criterion.value, context);
      return { ...head, passed: compare(actual, criterion.op, expectedValue), expected: describe(criterion.parameter, criterion.op, criterion.value, expectedValue), actual };
    }
    case 'objectProperty': {
      const object = context.objects.get(criterion.parameter);
      const target = `${criterion.parameter}.${criterion.property}`;
      const expectedValue = operand(criterion.value, context);
      const expected = describe(target, criterion.op, criterion.value, expectedValue);
      if (!object) return { ...head, passed: false, expected, actual: { missing: `no object for parameter ${criterion.parameter}` } };
      const actual = object.properties[criterion.property] ?? null;
      return { ...head, passed: compare(actual, criterion.op, expectedValue), expected, actual };
    }
    case 'role': {
      const passed = criterion.anyOf.some((role) => context.roles.includes(role));
      return { ...head, passed, expected: `one of roles [${criterion.anyOf.join(', ')}]`, actual: [...context.roles] };
    }
    case 'purpose': {
      const passed = context.purpose !== undefined && criterion.anyOf.includes(context.purpose);
      return { ...head, passed, expected: `purpose one of [${criterion.anyOf.join(', ')}]`, actual: context.purpose ?? null };
    }
    case 'all':
    case 'any': {
      const children = criterion.criteria.map((child, index) => evaluateOne(child, context, `${id}.criteria[${index}]`));
      const passed = criterion.kind === 'all' ? children.every((c) => c.passed) : children.some((c) => c.passed);
      return { ...head, passed, expected: `${criterion.kind} of ${children.length} criteria`, actual: `${children.filter((c) => c.passed).length} passed`, children };
    }
    case 'not': {
      const child = evaluateOne(criterion.criterion, context, `${id}.criterion`);
      return { ...head, passed: !child.passed, expected: `not (${child.expected})`, actual: child.actual, children: [child] };
    }
  }
}

function operand(value: unknown, context: CriteriaContext): unknown {
  if (isParameterOperand(value)) return context.parameters[value.parameter] ?? null;
  return value ?? null;
}

function isParameterOperand(value: unknown): value is { parameter: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { parameter?: unknown }).parameter === 'string';
}

function describe(target: string, op: ComparisonOperator, raw: unknown, resolved: unknown): string {
  if (op === 'isNull' || op === 'isNotNull') return `${target} ${op}`;
  const shown = isParameterOperand(raw) ? `parameter ${raw.parameter} (${JSON.stringify(resolved)})` : JSON.stringify(resolved);
  return `${target} ${op} ${shown}`;
}

/** Numbers and numeric strings (decimals) compare as numbers; ISO dates and other strings compare as text. */
function comparable(value: unknown): number | string | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    return value;
  }
  return undefined;
}

export function compare(actual: unknown, op: ComparisonOperator, expected: unknown): boolean {
  switch (op) {
    case 'isNull':
      return actual === null || actual === undefined;
    case 'isNotNull':
      return actual !== null && actual !== undefined;
    case 'eq':
      return equal(actual, expected);
    case 'ne':
      return !equal(actual, expected);
    case 'in':
      return Array.isArray(expected) && expected.some((item) => equal(actual, item));
    case 'notIn':
      return Array.isArray(expected) && !expected.some((item) => equal(actual, item));
    case 'contains':
      if (Array.isArray(actual)) return actual.some((item) => equal(item, expected));
      return typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected);
    default: {
      const a = comparable(actual);
      const b = comparable(expected);
      if (a === undefined || b === undefined || typeof a !== typeof b) return false;
      if (op === 'gt') return a > b;
      if (op === 'gte') return a >= b;
      if (op === 'lt') return a < b;
      return a <= b;
    }
  }
}

function equal(a: unknown, b: unknown): boolean {
  const left = comparable(a);
  const right = comparable(b);
  if (left !== undefined && right !== undefined && typeof left === typeof right) return left === right;
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Parameters and properties a criteria tree mentions (checked against the action type when it is saved). */
export function criteriaReferences(criteria: readonly Criterion[]): { parameters: Set<string>; objectProperties: Array<{ parameter: string; property: string }> } {
  const parameters = new Set<string>();
  const objectProperties: Array<{ parameter: string; property: string }> = [];
  const visit = (criterion: Criterion) => {
    if (criterion.kind === 'parameter' || criterion.kind === 'objectProperty') {
      parameters.add(criterion.parameter);
      if (isParameterOperand(criterion.value)) parameters.add(criterion.value.parameter);
      if (criterion.kind === 'objectProperty') objectProperties.push({ parameter: criterion.parameter, property: criterion.property });
    } else if (criterion.kind === 'all' || criterion.kind === 'any') criterion.criteria.forEach(visit);
    else if (criterion.kind === 'not') visit(criterion.criterion);
  };
  criteria.forEach(visit);
  return { parameters, objectProperties };
}
