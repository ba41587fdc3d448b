import { z } from 'zod';

export const USAGE_GROUPS = ['model', 'day', 'alias', 'provider'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

/** `cancelled`: the caller went away before the call completed; not an error (summaries count it apart). */
export const USAGE_OUTCOMES = ['success', 'error', 'blocked', 'budget_exceeded', 'rate_limited', 'cancelled'] as const;
export type UsageOutcome = (typeof USAGE_OUTCOMES)[number];

/** The longest range one summary covers. */
export const MAX_RANGE_DAYS = 400;

/**
 * `from` is inclusive, `to` exclusive. A date without a time (`2026-03-05`) means midnight UTC; a
 * date-only `to` covers that whole day (the next midnight), so `from=2026-03-01&to=2026-03-31` is March.
 */
const instant = (end: boolean) =>
  z.union([
    z.iso.date().transform((day) => new Date(Date.parse(`${day}T00:00:00Z`) + (end ? 86_400_000 : 0))),
    z.iso.datetime({ offset: true }).transform((text) => new Date(text)),
  ]);

const range = {
  from: instant(false).optional(),
  to: instant(true).optional(),
};

export const usageSummaryQuerySchema = z.object({ ...range, groupBy: z.enum(USAGE_GROUPS).default('day') });
export type UsageSummaryQuery = z.output<typeof usageSummaryQuerySchema>;

const filter = z.string().trim().min(1).max(200).optional();

export const usageRecordsQuerySchema = z.object({
  ...range,
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional(),
  model: filter,
  alias: filter,
  providerId: filter,
  operation: z.enum(['chat', 'embeddings']).optional(),
  outcome: z.enum(USAGE_OUTCOMES).optional(),
  agentId: filter,
  apiKeyId: filter,
  runId: filter,
  actorId: filter,
});
export type UsageRecordsQuery = z.output<typeof usageRecordsQuerySchema>;
