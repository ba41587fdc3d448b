import { z } from 'zod';
import { BUILT_IN_DETECTOR_IDS } from './built-in-detectors';
import { CUSTOM_PATTERN_LIMITS } from './custom-pattern';

/** Longest text the test endpoint screens. */
export const MAX_TEST_TEXT_LENGTH = 100_000;

const aliases = z.array(z.string().trim().min(1).max(100)).max(50);
const flags = z.string().max(4).regex(/^[imsu]*$/, 'only the flags i, m, s and u');

/**
 * A rule configures a built-in detector (`detector`, kind pii or secret) or adds a custom pattern
 * (`pattern`, kind custom); exactly one of the two.
 */
export const createGuardrailRuleSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    kind: z.enum(['pii', 'secret', 'custom']).optional(),
    detector: z.enum(BUILT_IN_DETECTOR_IDS as [string, ...string[]]).optional(),
    pattern: z.string().min(1).max(CUSTOM_PATTERN_LIMITS.maxLength).optional(),
    flags: flags.default(''),
    action: z.enum(['mask', 'block']).default('mask'),
    aliases: aliases.default([]),
    enabled: z.boolean().default(true),
  })
  .superRefine((input, context) => {
    if (Boolean(input.detector) === Boolean(input.pattern)) {
      context.addIssue({ code: 'custom', path: ['pattern'], message: 'give exactly one of detector (a built-in) or pattern (a custom rule)' });
    }
    if (input.pattern && input.kind && input.kind !== 'custom') context.addIssue({ code: 'custom', path: ['kind'], message: 'a pattern rule is of kind custom' });
    if (input.detector && input.kind === 'custom') context.addIssue({ code: 'custom', path: ['kind'], message: 'a detector rule is of kind pii or secret' });
    if (input.detector && input.flags) context.addIssue({ code: 'custom', path: ['flags'], message: 'flags apply to custom patterns only' });
  });
export type CreateGuardrailRuleInput = z.output<typeof createGuardrailRuleSchema>;

export const updateGuardrailRuleSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  pattern: z.string().min(1).max(CUSTOM_PATTERN_LIMITS.maxLength).optional(),
  flags: flags.optional(),
  action: z.enum(['mask', 'block']).optional(),
  aliases: aliases.optional(),
  enabled: z.boolean().optional(),
});
export type UpdateGuardrailRuleInput = z.output<typeof updateGuardrailRuleSchema>;

export const guardrailTestSchema = z.strictObject({
  text: z.string().max(MAX_TEST_TEXT_LENGTH),
  /** Screen as a prompt for this alias (rules limited to other aliases do not apply). */
  alias: z.string().trim().min(1).max(100).optional(),
});

export const guardrailListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(100),
  cursor: z.uuid().optional(),
});
