import safeRegex from 'safe-regex2';
import { UnsafePatternError } from './guardrails.errors';

/** Limits of a tenant's custom patterns. */
export const CUSTOM_PATTERN_LIMITS = { maxLength: 500, allowedFlags: 'imsu' } as const;

/**
 * Compiles a tenant's regular expression for scanning, or throws UnsafePatternError (400): too
 * long, not valid, flags other than i/m/s/u, matching the empty string, or with nested
 * quantifiers that can backtrack catastrophically (checked with safe-regex2's star-height test).
 */
export function compileCustomPattern(pattern: string, flags: string): RegExp {
  if (pattern.length > CUSTOM_PATTERN_LIMITS.maxLength) throw new UnsafePatternError(`longer than ${CUSTOM_PATTERN_LIMITS.maxLength} characters`);
  for (const flag of flags) {
    if (!CUSTOM_PATTERN_LIMITS.allowedFlags.includes(flag)) throw new UnsafePatternError(`flag "${flag}" is not allowed (only i, m, s, u)`);
  }
  if (new Set(flags).size !== flags.length) throw new UnsafePatternError('a flag is repeated');
  let compiled: RegExp;
  try {
    compiled = new RegExp(pattern, `g${flags}`);
  } catch (error) {
    throw new UnsafePatternError(`not a valid regular expression (${(error as Error).message})`);
  }
  if (!safeRegex(compiled)) throw new UnsafePatternError('it may backtrack catastrophically (nested quantifiers)');
  if (new RegExp(pattern, flags).test('')) throw new UnsafePatternError('it matches the empty string');
  return compiled;
}
