import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-client';
import { parseRoleList, roleProblem, splitIssues } from './form-errors';

describe('splitIssues', () => {
  it('spreads server issues over the form fields and keeps the rest apart', () => {
    const error = new ApiError(400, 'validation_failed', 'Invalid input', 'r-1', {
      issues: [
        { path: 'email', message: 'Invalid email address' },
        { path: 'roles.1', message: 'must be a role name such as admin' },
        { path: 'roles.2', message: 'second message for the same field' },
        { path: '(root)', message: 'nothing to change' },
        { path: 'tenantId', message: 'unexpected' },
      ],
    });
    expect(splitIssues(error, ['email', 'displayName', 'roles'])).toEqual({
      fields: { email: 'Invalid email address', roles: 'must be a role name such as admin' },
      other: ['nothing to change', 'tenantId: unexpected'],
    });
  });

  it('finds nothing in an error without issues', () => {
    expect(splitIssues(new ApiError(409, 'governance.already_exists', 'exists'), ['name'])).toEqual({ fields: {}, other: [] });
    expect(splitIssues(new Error('boom'), ['name'])).toEqual({ fields: {}, other: [] });
  });
});

describe('roles typed as text', () => {
  it('splits on commas and spaces and drops repeats', () => {
    expect(parseRoleList(' claims-reviewer, auditor  auditor,')).toEqual(['claims-reviewer', 'auditor']);
  });

  it('requires one well-formed role', () => {
    expect(roleProblem([])).toBe('Choose at least one role.');
    expect(roleProblem([], false)).toBeUndefined();
    expect(roleProblem(['Admin'])).toContain('Not a role name: Admin');
    expect(roleProblem(['operator'])).toBeUndefined();
  });
});
