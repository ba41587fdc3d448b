import type { z } from 'zod';
import { ValidationFailedError } from '../errors/kernel.errors';
import { findUnstorableText, UNSTORABLE_TEXT_MESSAGE } from './storable-text';

/**
 * Parses untrusted input with a zod schema, or throws a 400-kind error listing each failing field.
 * Text PostgreSQL cannot store (NUL, lone surrogates) anywhere in the parsed value fails here too,
 * naming the field, rather than as a 500 at the first write or decision record that meets it.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) {
    const unstorable = findUnstorableText(result.data);
    if (unstorable === undefined) return result.data;
    throw new ValidationFailedError(`Invalid input: ${unstorable}: ${UNSTORABLE_TEXT_MESSAGE}`, [{ path: unstorable, message: UNSTORABLE_TEXT_MESSAGE }]);
  }
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  throw new ValidationFailedError(`Invalid input: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, issues);
}
