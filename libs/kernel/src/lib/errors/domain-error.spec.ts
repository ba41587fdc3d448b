import { describe, expect, it } from 'vitest';
import { DomainError, isDomainError } from './domain-error';
import { MissingRequestContextError } from './kernel.errors';

describe('DomainError', () => {
  it('carries a stable code, a kind, details and the subclass name', () => {
    class ApprovalExpired extends DomainError {
      constructor() {
        super('test.approval_expired', 'conflict', 'expired', { details: { id: 'a1' } });
      }
    }
    const error = new ApprovalExpired();
    expect(error).toBeInstanceOf(Error);
    expect(isDomainError(error)).toBe(true);
    expect(error.name).toBe('ApprovalExpired');
    expect(error.code).toBe('test.approval_expired');
    expect(error.kind).toBe('conflict');
    expect(error.details).toEqual({ id: 'a1' });
  });

  it('keeps the cause for logs without leaking it into the message', () => {
    const cause = new Error('socket hang up');
    const error = new DomainError('db.unavailable', 'unavailable', 'The database is unavailable.', { cause });
    expect(error.cause).toBe(cause);
    expect(error.message).not.toContain('socket');
  });

  it('is not confused with plain errors', () => {
    expect(isDomainError(new Error('x'))).toBe(false);
    expect(new MissingRequestContextError('a tenant').kind).toBe('unauthenticated');
  });
});
