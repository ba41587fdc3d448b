import type { Detector } from './built-in-detectors';

export type GuardrailKind = 'pii' | 'secret' | 'custom';
export type GuardrailAction = 'mask' | 'block';

/** A rule ready to scan with: a built-in detector with the tenant's settings, or a custom pattern. */
export interface CompiledRule {
  /** What findings name: the detector id, or the custom rule's name. */
  name: string;
  /** What masks say: `[REDACTED:<label>]` (the detector id, or `custom:<rule-name-slug>`). */
  label: string;
  kind: GuardrailKind;
  action: GuardrailAction;
  /** Aliases whose prompts the rule screens; empty = all. Storage redaction applies every rule. */
  aliases: readonly string[];
  pattern: RegExp;
  validate?: Detector['validate'];
  maskGroup?: number;
}

export interface RuleHit {
  rule: CompiledRule;
  count: number;
}

/** Replaces every match of every rule, in order; returns the masked text and how often each rule hit. */
export function maskText(text: string, rules: readonly CompiledRule[]): { text: string; hits: RuleHit[] } {
  let current = text;
  const hits: RuleHit[] = [];
  for (const rule of rules) {
    let count = 0;
    const mask = `[REDACTED:${rule.label}]`;
    rule.pattern.lastIndex = 0;
    current = current.replace(rule.pattern, (...args: unknown[]) => {
      const match = args[0] as string;
      if (rule.validate && !rule.validate(match)) return match;
      count += 1;
      if (rule.maskGroup === undefined) return mask;
      const group = args[rule.maskGroup];
      // The masked group ends the match (see the detector), so the prefix is kept as written.
      return typeof group === 'string' ? match.slice(0, match.length - group.length) + mask : mask;
    });
    if (count) hits.push({ rule, count });
  }
  return { text: current, hits };
}

export function labelOf(ruleName: string): string {
  const slug = ruleName
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  return `custom:${slug || 'rule'}`;
}
