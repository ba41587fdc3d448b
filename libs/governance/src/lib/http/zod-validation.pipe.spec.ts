import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationFailedError } from '@strata/kernel';
import { ZodValidationPipe } from './zod-validation.pipe';

describe('ZodValidationPipe', () => {
  const pipe = new ZodValidationPipe(z.object({ name: z.string().min(1), limit: z.coerce.number().int().max(100) }));

  it('returns the parsed value', () => {
    expect(pipe.transform({ name: 'a', limit: '5' })).toEqual({ name: 'a', limit: 5 });
  });

  it('throws a validation error that lists every failing field', () => {
    let error: ValidationFailedError | undefined;
    try {
      pipe.transform({ name: '', limit: 1000 });
    } catch (caught) {
      error = caught as ValidationFailedError;
    }
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect(error?.code).toBe('kernel.validation_failed');
    expect((error?.details?.['issues'] as Array<{ path: string }>).map((issue) => issue.path)).toEqual(['name', 'limit']);
  });
});
