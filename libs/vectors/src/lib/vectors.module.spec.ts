import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { VectorsError } from './vectors.errors';
import { VectorsModule } from './vectors.module';

describe('VectorsModule', () => {
  it('compiles', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [VectorsModule] }).compile();
    expect(moduleRef.get(VectorsModule)).toBeInstanceOf(VectorsModule);
    await moduleRef.close();
  });

  it('raises errors with codes of this layer', () => {
    const error = new VectorsError('vectors.example', 'not_found', 'Example not found.');
    expect(error.code).toBe('vectors.example');
    expect(error.kind).toBe('not_found');
  });
});
