import { Injectable, type PipeTransform } from '@nestjs/common';
import { parseInput } from '@strata/kernel';
import type { z } from 'zod';

/**
 * Validates a body, query or params object against a zod schema and returns the parsed value.
 * (nestjs-zod, the usual choice, does not support Nest 12 yet; this is the part we need.)
 *
 * @example `@Body(new ZodValidationPipe(createThingSchema)) input: CreateThing`
 */
@Injectable()
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    return parseInput(this.schema, value);
  }
}
