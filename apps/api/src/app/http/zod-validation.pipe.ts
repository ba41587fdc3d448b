import { Injectable, type PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '@strata/kernel';
import type { z } from 'zod';

/**
 * Validates a body, query or params object against a zod schema and returns the parsed value.
 * (nestjs-zod, the usual choice, does not support Nest 12 yet; this is the small part we need.)
 *
 * @example `@Body(new ZodValidationPipe(createThingSchema)) input: CreateThing`
 */
@Injectable()
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(root)',
      message: issue.message,
    }));
    throw new ValidationFailedError(
      `Invalid input: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      issues,
    );
  }
}
