import { createPrismaAbility } from '@casl/prisma/runtime';
import type { Ability, RawRuleOf } from '@casl/ability';
import type { PolicyRule } from '../policies/policy-rule';
import { PURPOSE_BOUND_CLASSIFICATIONS } from './subjects';

export interface AbilityPrincipal {
  type: string;
  id: string;
  roles: readonly string[];
}

export interface AbilityInputs {
  principal: AbilityPrincipal;
  tenantId: string;
  /** The purpose declared for the request or run, if any. */
  purpose?: string;
  builtInRules: readonly PolicyRule[];
  customRules: readonly PolicyRule[];
  classifiedSubjects: readonly string[];
}

// The ability checks plain records tagged with a subject type (`subject(type, record)`). `any`:
// @casl/prisma types conditions per Prisma model (BasePrismaQuery), which rules stored as tenant
// data cannot name statically; they are validated at publish time instead (PoliciesService).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StrataAbility = Ability<[string, any], any>;

/**
 * Compiles the rules that apply to one principal under one purpose into a CASL ability whose
 * conditions are Prisma where-clauses: the same ability answers for a record in memory and
 * filters lists in the database (`accessibleBy`). Order matters in CASL (later rules win):
 * built-in grants, then the tenant's custom rules, then the purpose guard on classified data.
 */
export function compileAbility(inputs: AbilityInputs): StrataAbility {
  const { principal, purpose } = inputs;
  const holds = (rule: PolicyRule) => rule.roles.some((role) => principal.roles.includes(role));
  const appliesUnderPurpose = (rule: PolicyRule) =>
    !rule.purposes || (purpose !== undefined && (rule.purposes.includes('*') || rule.purposes.includes(purpose)));

  const rules: RawRuleOf<StrataAbility>[] = [...inputs.builtInRules, ...inputs.customRules]
    .filter((rule) => holds(rule) && appliesUnderPurpose(rule))
    .map((rule) => ({
      action: rule.action,
      subject: rule.subject,
      ...(rule.conditions ? { conditions: substitute(rule.conditions, inputs) } : {}),
      ...(rule.fields ? { fields: rule.fields } : {}),
      ...(rule.inverted ? { inverted: true } : {}),
      ...(rule.reason ? { reason: rule.reason } : {}),
    }));

  if (!purpose && inputs.classifiedSubjects.length > 0) {
    rules.push({
      action: ['read', 'update', 'delete'],
      subject: [...inputs.classifiedSubjects],
      conditions: { classification: { in: [...PURPOSE_BOUND_CLASSIFICATIONS] } },
      inverted: true,
      reason: `${PURPOSE_BOUND_CLASSIFICATIONS.join(' and ')} data needs a declared purpose (X-Strata-Purpose)`,
    });
  }
  return createPrismaAbility(rules) as unknown as StrataAbility;
}

/** Replaces `${actor.id}`, `${actor.type}` and `${tenant.id}` in condition values. */
function substitute(value: unknown, inputs: AbilityInputs): unknown {
  if (typeof value === 'string') {
    switch (value) {
      case '${actor.id}':
        return inputs.principal.id;
      case '${actor.type}':
        return inputs.principal.type;
      case '${tenant.id}':
        return inputs.tenantId;
      default:
        return value;
    }
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, inputs));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, inputs)]));
  }
  return value;
}
