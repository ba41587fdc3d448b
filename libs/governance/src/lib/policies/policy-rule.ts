import { z } from 'zod';

export const ROLE_NAME = /^[a-z][a-z0-9-]{1,40}$/;
const name = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must be a name such as read or ApprovalRequest');
const oneOrMany = z.union([name, z.array(name).min(1).max(50)]);

/**
 * One rule of a tenant policy, stored as data and compiled to a CASL rule for each principal.
 * `conditions` use Prisma's where syntax (so the same rule filters lists in the database) and may
 * contain the placeholders `${actor.id}`, `${actor.type}` and `${tenant.id}`. `purposes` limits
 * the rule to requests that declared one of them (`*`: any declared purpose).
 */
export const policyRuleSchema = z
  .object({
    roles: z.array(z.string().regex(ROLE_NAME, 'must be a role name such as admin or claims-reviewer')).min(1).max(50),
    action: oneOrMany,
    subject: oneOrMany,
    conditions: z.record(z.string(), z.unknown()).optional(),
    fields: z.array(z.string().min(1).max(128)).min(1).max(200).optional(),
    inverted: z.boolean().optional(),
    reason: z.string().max(500).optional(),
    purposes: z.array(z.string().min(1).max(64)).min(1).max(50).optional(),
  })
  .strict();

export type PolicyRule = z.infer<typeof policyRuleSchema>;

export const policyDocumentSchema = z.array(policyRuleSchema).max(500);
