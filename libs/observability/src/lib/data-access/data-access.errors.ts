import { ObservabilityError } from '../observability.errors';

/** A data-access record that cannot be stored as given (resource type or id malformed). */
export class InvalidDataAccessError extends ObservabilityError {
  constructor(message: string, field: string) {
    super('observability.data_access_invalid', 'invalid_argument', `Invalid data-access record: ${message}`, { details: { field } });
  }
}

/** One read names more resources than one call may record: the reading layer must page its reads. */
export class DataAccessTooLargeError extends ObservabilityError {
  constructor(count: number, limit: number) {
    super(
      'observability.data_access_too_many_ids',
      'invalid_argument',
      `A data-access record names ${count} resources; one call records at most ${limit} (page the read).`,
      { details: { count, limit } },
    );
  }
}
