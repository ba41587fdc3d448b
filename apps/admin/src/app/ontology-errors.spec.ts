import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-client';
import { nextStep, ontologyIssues } from './ontology-errors';

describe('ontology refusals', () => {
  it('collects field issues from the validation pipe and from the layer', () => {
    const error = new ApiError(400, 'ontology.validation_failed', 'bad', 'r', {
      issues: [{ path: 'type', message: 'required' }],
      errors: [{ path: 'properties.email', message: 'must be a string' }, { nope: 1 }],
    });
    expect(ontologyIssues(error)).toEqual([
      { path: 'type', message: 'required' },
      { path: 'properties.email', message: 'must be a string' },
    ]);
    expect(ontologyIssues(new Error('x'))).toEqual([]);
  });

  it('says what to do next', () => {
    expect(nextStep(new ApiError(409, 'ontology.version_conflict', 'changed'))).toContain('reload');
    expect(nextStep(new ApiError(400, 'ontology.action_criteria_not_met', 'x'))).toContain('failing criteria');
    expect(nextStep(new ApiError(500, 'internal', 'x'))).toBeUndefined();
    expect(nextStep(new Error('x'))).toBeUndefined();
  });
});
