/** The policy editor's text: parsed on the client for JSON mistakes before the API validates the rules. */
export type ParsedPolicy = { ok: true; rules: unknown[] } | { ok: false; message: string };

export function parsePolicyText(text: string): ParsedPolicy {
  if (!text.trim()) return { ok: false, message: 'The policy is empty: write a JSON array of rules ([] for none).' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${(error as Error).message}` };
  }
  if (!Array.isArray(value)) return { ok: false, message: 'A policy is a JSON array of rules: [ { "roles": [...], "action": ..., "subject": ... } ].' };
  return { ok: true, rules: value };
}

/** `0.subject` → `Rule 1 › subject`; `2.roles.0` → `Rule 3 › roles[0]`; `(root)` → `The policy`. */
export function describeRulePath(path: string): string {
  if (!path || path === '(root)') return 'The policy';
  const [first, ...rest] = path.split('.');
  if (!/^\d+$/.test(first ?? '')) return path;
  let described = `Rule ${Number(first) + 1}`;
  for (const segment of rest) {
    described += /^\d+$/.test(segment) ? `[${segment}]` : ` › ${segment}`;
  }
  return described;
}

export function formatRules(rules: unknown): string {
  return JSON.stringify(rules, null, 2);
}
