import { z } from 'zod';
import { ROLE_NAME } from '../policies/policy-rule';
import { canonicalJsonBytes } from './approval-arguments-hash';
import { InvalidApprovalInputError } from './approvals.errors';

/** Explicit limits: what a request, a decision and a comment may hold. */
export const APPROVAL_LIMITS = {
  argumentsMaxBytes: 64 * 1024,
  argumentsMaxDepth: 32,
  reasonMaxChars: 2000,
  commentMaxChars: 4000,
  summaryMaxChars: 500,
  quorumMax: 20,
  approverRolesMax: 20,
  approverUsersMax: 50,
  expiryMinSeconds: 60,
  expiryMaxSeconds: 30 * 24 * 3600,
  pageMax: 100,
} as const;

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'cancelled', 'executed'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

const actionName = z.string().regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/, 'must be an action name such as payments.refund');
const subjectType = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must be a type name such as Tool or Customer');
const subjectId = z.string().min(1).max(200);
const roleName = z.string().regex(ROLE_NAME, 'must be a role name such as approver');

const storableString = (value: string) => !value.includes('\u0000') && value.isWellFormed();

/** Trimmed free text PostgreSQL and the audit chain can store exactly (no NUL, no lone surrogate). */
const freeText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine(storableString, 'must not contain NUL characters or lone surrogates');

/**
 * JSON only, bounded in depth and size. Walked iteratively so a hostile, deeply nested body fails
 * validation instead of overflowing the stack of a recursive parser or of canonicalization.
 */
const jsonArguments = z.unknown().superRefine((value, ctx) => {
  if (value === undefined) {
    ctx.addIssue({ code: 'custom', message: 'is required (use {} for an action without arguments)' });
    return;
  }
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; depth: number };
    const current = item.value;
    if (item.depth > APPROVAL_LIMITS.argumentsMaxDepth) {
      ctx.addIssue({ code: 'custom', message: `nests deeper than ${APPROVAL_LIMITS.argumentsMaxDepth} levels` });
      return;
    }
    if (current === null || typeof current === 'boolean') continue;
    if (typeof current === 'string') {
      if (storableString(current)) continue;
      ctx.addIssue({ code: 'custom', message: 'must not contain NUL characters or lone surrogates (PostgreSQL jsonb cannot store them)' });
      return;
    }
    if (typeof current === 'number') {
      if (Number.isFinite(current)) continue;
      ctx.addIssue({ code: 'custom', message: 'must contain only finite numbers' });
      return;
    }
    if (Array.isArray(current)) {
      for (const child of current) stack.push({ value: child, depth: item.depth + 1 });
      continue;
    }
    if (typeof current === 'object' && Object.getPrototypeOf(current) === Object.prototype) {
      for (const [key, child] of Object.entries(current)) {
        stack.push({ value: key, depth: item.depth + 1 }, { value: child, depth: item.depth + 1 });
      }
      continue;
    }
    ctx.addIssue({ code: 'custom', message: 'must be JSON (objects, arrays, strings, finite numbers, booleans, null)' });
    return;
  }
  const bytes = canonicalJsonBytes(value);
  if (bytes > APPROVAL_LIMITS.argumentsMaxBytes) {
    ctx.addIssue({ code: 'custom', message: `is ${bytes} bytes as canonical JSON; at most ${APPROVAL_LIMITS.argumentsMaxBytes} are allowed` });
  }
});

/** The action to approve and, later, to execute: the part the arguments hash binds. */
export const approvedActionSchema = z
  .object({
    action: actionName,
    subjectType,
    subjectId: subjectId.optional(),
    arguments: jsonArguments,
  })
  .strict();

export const createApprovalSchema = approvedActionSchema
  .extend({
    summary: freeText(APPROVAL_LIMITS.summaryMaxChars),
    approverRoles: z.array(roleName).max(APPROVAL_LIMITS.approverRolesMax).default([]),
    approverUserIds: z.array(z.uuid()).max(APPROVAL_LIMITS.approverUsersMax).default([]),
    quorum: z.number().int().min(1).max(APPROVAL_LIMITS.quorumMax).default(1),
    expiresInSeconds: z.number().int().min(APPROVAL_LIMITS.expiryMinSeconds).max(APPROVAL_LIMITS.expiryMaxSeconds),
    escalation: z
      .object({ afterSeconds: z.number().int().min(APPROVAL_LIMITS.expiryMinSeconds), toRole: roleName })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.approverRoles.length + input.approverUserIds.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['approverRoles'], message: 'name at least one approver role or user' });
    }
    if (new Set(input.approverUserIds).size !== input.approverUserIds.length) {
      ctx.addIssue({ code: 'custom', path: ['approverUserIds'], message: 'must not repeat a user' });
    }
    if (input.escalation && input.escalation.afterSeconds >= input.expiresInSeconds) {
      ctx.addIssue({ code: 'custom', path: ['escalation', 'afterSeconds'], message: 'must be shorter than expiresInSeconds, or escalation never happens' });
    }
  });

export const decideApprovalSchema = z
  .object({
    decision: z.enum(['approve', 'reject']),
    reason: freeText(APPROVAL_LIMITS.reasonMaxChars),
  })
  .strict();

export const commentApprovalSchema = z.object({ body: freeText(APPROVAL_LIMITS.commentMaxChars) }).strict();

export const cancelApprovalSchema = z
  .object({ reason: freeText(APPROVAL_LIMITS.reasonMaxChars).optional() })
  .strict();

const booleanFlag = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

export const listApprovalsSchema = z
  .object({
    status: z.enum(APPROVAL_STATUSES).optional(),
    /** Requests the caller made. */
    mine: booleanFlag.optional(),
    /** Pending requests the caller may decide. */
    forMe: booleanFlag.optional(),
    cursor: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(APPROVAL_LIMITS.pageMax).default(50),
  })
  .strict();

export type CreateApprovalInput = z.output<typeof createApprovalSchema>;
export type DecideApprovalInput = z.output<typeof decideApprovalSchema>;
export type CommentApprovalInput = z.output<typeof commentApprovalSchema>;
export type CancelApprovalInput = z.output<typeof cancelApprovalSchema>;
export type ListApprovalsInput = z.output<typeof listApprovalsSchema>;
export type ApprovedActionInput = z.output<typeof approvedActionSchema>;

/** Parses `value` or throws `governance.approval_invalid_input` naming every bad field. */
export function parseApprovalInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message }));
  throw new InvalidApprovalInputError(`Invalid approval input: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, issues);
}
