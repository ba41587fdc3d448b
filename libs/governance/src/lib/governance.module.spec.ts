import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { GovernanceError } from './governance.errors';
import { GovernanceModule } from './governance.module';

describe('GovernanceModule', () => {
  it('compiles', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [GovernanceModule] }).compile();
    expect(moduleRef.get(GovernanceModule)).toBeInstanceOf(GovernanceModule);
    await moduleRef.close();
  });

  it('raises errors with codes of this layer', () => {
    const error = new GovernanceError('governance.example', 'not_found', 'Example not found.');
    expect(error.code).toBe('governance.example');
    expect(error.kind).toBe('not_found');
  });
});
