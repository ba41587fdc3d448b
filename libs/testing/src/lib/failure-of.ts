/** What a test reads from a rejected call: a DomainError's code, kind, message and details. */
export interface TestFailure {
  code: string;
  kind: string;
  message: string;
  details?: Record<string, unknown>;
}

/** The error `promise` rejects with; fails the test if it resolves. */
export async function failureOf<T = TestFailure>(promise: Promise<unknown>): Promise<T> {
  try {
    await promise;
  } catch (error) {
    return error as T;
  }
  throw new Error('expected a failure');
}
