import { z } from 'zod';
import { BUDGET_SCOPES } from './budget-meter';
import { BUDGET_PERIODS } from './budget-window';

/** Largest limit accepted (fits the lease arithmetic's safe integers with room to spare). */
export const MAX_LIMIT = 1_000_000_000_000;

const usdAmount = z
  .union([z.string(), z.number()])
  .transform((value) => (typeof value === 'number' ? value.toFixed(6).replace(/\.?0+$/, '') : value.trim()))
  .pipe(z.string().regex(/^\d{1,9}(\.\d{1,6})?$/, 'a USD amount with at most 6 decimals, below 1e9'));

const limit = z.number().int().min(1).max(MAX_LIMIT);

const limitsShape = {
  tokenLimit: limit.nullable().optional(),
  costLimitUsd: usdAmount.nullable().optional(),
  requestsPerMinute: limit.nullable().optional(),
  tokensPerMinute: limit.nullable().optional(),
};

const LIMIT_KEYS = ['tokenLimit', 'costLimitUsd', 'requestsPerMinute', 'tokensPerMinute'] as const;

export const createBudgetSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    scope: z.enum(BUDGET_SCOPES).default('tenant'),
    /** The API key id (scope api_key) or agent id (scope agent). */
    scopeId: z.string().trim().min(1).max(200).nullable().optional(),
    period: z.enum(BUDGET_PERIODS).default('month'),
    ...limitsShape,
    enabled: z.boolean().default(true),
  })
  .superRefine((input, context) => {
    if (input.scope === 'tenant' && input.scopeId) context.addIssue({ code: 'custom', path: ['scopeId'], message: 'a tenant budget has no scopeId' });
    if (input.scope !== 'tenant' && !input.scopeId) context.addIssue({ code: 'custom', path: ['scopeId'], message: `scope ${input.scope} needs a scopeId` });
    if (!LIMIT_KEYS.some((key) => input[key] !== undefined && input[key] !== null)) {
      context.addIssue({ code: 'custom', path: ['tokenLimit'], message: 'set at least one of tokenLimit, costLimitUsd, requestsPerMinute, tokensPerMinute' });
    }
  });
export type CreateBudgetInput = z.output<typeof createBudgetSchema>;

/** Scope and scope id are fixed once created (a different scope is a different budget). */
export const updateBudgetSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  period: z.enum(BUDGET_PERIODS).optional(),
  ...limitsShape,
  enabled: z.boolean().optional(),
});
export type UpdateBudgetInput = z.output<typeof updateBudgetSchema>;

export const budgetListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(100),
  cursor: z.uuid().optional(),
});
