/** The calendar periods a budget counts in. All are UTC; a week starts on Monday 00:00 UTC (ISO 8601). */
export const BUDGET_PERIODS = ['day', 'week', 'month'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** A window a meter counts in: the budget's period, or the UTC minute for per-minute limits. */
export type BudgetWindow = BudgetPeriod | 'minute';

export interface WindowBounds {
  start: Date;
  /** Exclusive: the moment the next window starts (what `resetsAt` reports). */
  end: Date;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The window of kind `window` that contains `at`. */
export function windowBounds(window: BudgetWindow, at: Date): WindowBounds {
  const t = at.getTime();
  switch (window) {
    case 'minute': {
      const start = Math.floor(t / MINUTE) * MINUTE;
      return { start: new Date(start), end: new Date(start + MINUTE) };
    }
    case 'day': {
      const start = Math.floor(t / DAY) * DAY;
      return { start: new Date(start), end: new Date(start + DAY) };
    }
    case 'week': {
      const dayStart = Math.floor(t / DAY) * DAY;
      const sinceMonday = (new Date(dayStart).getUTCDay() + 6) % 7;
      const start = dayStart - sinceMonday * DAY;
      return { start: new Date(start), end: new Date(start + 7 * DAY) };
    }
    case 'month': {
      const year = at.getUTCFullYear();
      const month = at.getUTCMonth();
      return { start: new Date(Date.UTC(year, month, 1)), end: new Date(Date.UTC(year, month + 1, 1)) };
    }
  }
}
