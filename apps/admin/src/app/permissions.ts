/**
 * What the signed-in principal may do, from the compiled rules `GET /governance/me` returns (CASL
 * raw rules whose conditions are Prisma where-clauses). The pages use it only to hide or disable
 * actions; the API decides every request, so when a condition uses an operator this file does not
 * know, the answer leans to "allowed" and the API's 403 has the last word.
 *
 * CASL's semantics, kept here: `manage` is every action and `all` every subject; later rules win;
 * asked about a subject type (no record), a rule with conditions counts when it grants and is
 * skipped when it forbids; asked without a field, a rule limited to fields counts when it grants.
 */
export interface RawRule {
  action: string | string[];
  subject: string | string[];
  conditions?: Record<string, unknown>;
  fields?: string | string[];
  inverted?: boolean;
  reason?: string;
}

export interface Verdict {
  allowed: boolean;
  /** Why not, when a rule that forbids it gives a reason. */
  reason?: string;
}

type Match = boolean | 'unknown';

export class Permissions {
  constructor(private readonly rules: readonly RawRule[]) {}

  static none(): Permissions {
    return new Permissions([]);
  }

  can(action: string, subjectType: string, record?: Record<string, unknown>, field?: string): boolean {
    return this.check(action, subjectType, record, field).allowed;
  }

  check(action: string, subjectType: string, record?: Record<string, unknown>, field?: string): Verdict {
    for (let index = this.rules.length - 1; index >= 0; index -= 1) {
      const rule = this.rules[index] as RawRule;
      if (!list(rule.action).some((name) => name === action || name === 'manage')) continue;
      if (!list(rule.subject).some((name) => name === subjectType || name === 'all')) continue;
      if (!matchesField(rule, field)) continue;
      if (!matchesRecord(rule, record)) continue;
      return rule.inverted ? { allowed: false, reason: rule.reason } : { allowed: true };
    }
    return { allowed: false };
  }
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function matchesField(rule: RawRule, field: string | undefined): boolean {
  const fields = list(rule.fields);
  if (!fields.length) return true;
  if (field === undefined) return !rule.inverted;
  return fields.includes(field);
}

function matchesRecord(rule: RawRule, record: Record<string, unknown> | undefined): boolean {
  if (!rule.conditions || Object.keys(rule.conditions).length === 0) return true;
  if (!record) return !rule.inverted;
  const match = matchesWhere(rule.conditions, record);
  // Unknown operator: assume the outcome that shows the action; the API decides.
  return match === 'unknown' ? !rule.inverted : match;
}

/** A Prisma where-clause against a plain record: the operators the built-in and usual custom rules use. */
export function matchesWhere(where: Record<string, unknown>, record: Record<string, unknown>): Match {
  let result: Match = true;
  for (const [key, condition] of Object.entries(where)) {
    let match: Match;
    if (key === 'AND') match = all(list2(condition).map((item) => matchesWhere(item, record)));
    else if (key === 'OR') match = any(list2(condition).map((item) => matchesWhere(item, record)));
    else if (key === 'NOT') match = not(all(list2(condition).map((item) => matchesWhere(item, record))));
    else match = matchesValue(record[key], condition);
    result = all([result, match]);
    if (result === false) return false;
  }
  return result;
}

function list2(value: unknown): Record<string, unknown>[] {
  return (Array.isArray(value) ? value : [value]).filter((item): item is Record<string, unknown> => isPlainObject(item));
}

function matchesValue(actual: unknown, condition: unknown): Match {
  if (!isPlainObject(condition)) return equal(actual, condition);
  let result: Match = true;
  for (const [operator, operand] of Object.entries(condition)) {
    result = all([result, applyOperator(operator, actual, operand)]);
    if (result === false) return false;
  }
  return result;
}

function applyOperator(operator: string, actual: unknown, operand: unknown): Match {
  switch (operator) {
    case 'equals':
      return equal(actual, operand);
    case 'not':
      return not(matchesValue(actual, operand));
    case 'in':
      return Array.isArray(operand) && operand.some((item) => equal(actual, item));
    case 'notIn':
      return Array.isArray(operand) && !operand.some((item) => equal(actual, item));
    case 'has':
      return Array.isArray(actual) && actual.some((item) => equal(item, operand));
    case 'hasSome':
      return Array.isArray(actual) && Array.isArray(operand) && operand.some((item) => actual.some((value) => equal(value, item)));
    case 'hasEvery':
      return Array.isArray(actual) && Array.isArray(operand) && operand.every((item) => actual.some((value) => equal(value, item)));
    case 'isEmpty':
      return Array.isArray(actual) && (actual.length === 0) === operand;
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      if (typeof actual !== 'number' || typeof operand !== 'number') return 'unknown';
      return operator === 'lt' ? actual < operand : operator === 'lte' ? actual <= operand : operator === 'gt' ? actual > operand : actual >= operand;
    default:
      return 'unknown';
  }
}

function equal(actual: unknown, expected: unknown): boolean {
  if (actual === undefined) actual = null;
  if (expected === null || typeof expected !== 'object') return actual === expected;
  return JSON.stringify(actual) === JSON.stringify(expected);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function all(matches: Match[]): Match {
  if (matches.includes(false)) return false;
  return matches.includes('unknown') ? 'unknown' : true;
}

function any(matches: Match[]): Match {
  if (matches.includes(true)) return true;
  return matches.includes('unknown') ? 'unknown' : false;
}

function not(match: Match): Match {
  return match === 'unknown' ? 'unknown' : !match;
}
