import type { z } from 'zod';
import { ValidationFailedError } from '../errors/kernel.errors';

/** Parses untrusted input with a zod schema, or throws a 400-kind error listing each failing field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  throw new ValidationFailedError(`Invalid input: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, issues);
}
