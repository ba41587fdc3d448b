import { ObservabilityError } from '../observability.errors';

/** No span of this trace is stored for the caller's tenant (another tenant's trace answers the same). */
export class TraceNotFoundError extends ObservabilityError {
  constructor(traceId: string) {
    super('observability.trace_not_found', 'not_found', `Trace ${traceId} does not exist in this tenant.`, { details: { traceId } });
  }
}

/** A `cursor` that is not the `nextCursor` of an earlier page. */
export class InvalidCursorError extends ObservabilityError {
  constructor() {
    super('observability.invalid_cursor', 'invalid_argument', 'The cursor is not one this API returned; start again without it.');
  }
}

/** A list query whose resolved time range is empty or wider than the API allows. */
export class InvalidTraceRangeError extends ObservabilityError {
  constructor(from: Date, to: Date, maxDays: number) {
    super(
      'observability.invalid_trace_range',
      'invalid_argument',
      `The trace range must be non-empty and cover at most ${maxDays} days (from ${from.toISOString()} to ${to.toISOString()}).`,
      { details: { from: from.toISOString(), to: to.toISOString(), maxDays } },
    );
  }
}
