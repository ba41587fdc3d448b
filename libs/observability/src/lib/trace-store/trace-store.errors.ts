import { ObservabilityError } from '../observability.errors';

/** A queue size, batch size, interval or retention setting out of its allowed range. */
export class InvalidTraceStoreOptionsError extends ObservabilityError {
  constructor(name: string, value: number, min: number, max: number) {
    super(
      'observability.trace_store_invalid_options',
      'failed_precondition',
      `Trace store option ${name} must be an integer from ${min} to ${max} (got ${value}).`,
      { details: { option: name, value, min, max } },
    );
  }
}
