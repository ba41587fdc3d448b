/** Time as a dependency, so expiry, escalation and retention can be tested without sleeping. */
export interface Clock {
  now(): Date;
}

/** Injection token for the {@link Clock}. */
export const CLOCK = Symbol.for('strata.kernel.Clock');

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string | number = '2026-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(milliseconds: number): Date {
    this.current += milliseconds;
    return this.now();
  }

  set(to: Date | string | number): void {
    this.current = new Date(to).getTime();
  }
}
