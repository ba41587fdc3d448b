import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { ContextError } from './context.errors';
import { ContextModule } from './context.module';

describe('ContextModule', () => {
  it('compiles', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ContextModule] }).compile();
    expect(moduleRef.get(ContextModule)).toBeInstanceOf(ContextModule);
    await moduleRef.close();
  });

  it('raises errors with codes of this layer', () => {
    const error = new ContextError('context.example', 'not_found', 'Example not found.');
    expect(error.code).toBe('context.example');
    expect(error.kind).toBe('not_found');
  });
});
