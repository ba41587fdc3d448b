import type { GuardrailFinding } from '../gateway/gateway.contract';
import { ModelGatewayError } from '../model-gateway.errors';

/** A prompt matched a `block` rule: nothing was sent. Details list the findings (rule, kind, path, count), never the text. */
export class GuardrailBlockedError extends ModelGatewayError {
  constructor(findings: GuardrailFinding[]) {
    const blocking = findings.filter((finding) => finding.action === 'block');
    super(
      'model-gateway.guardrail_blocked',
      'invalid_argument',
      `The request was blocked by guardrail rule${blocking.length > 1 ? 's' : ''} ${[...new Set(blocking.map((f) => f.rule))].join(', ')} (at ${blocking.map((f) => f.path).join(', ')}).`,
      { details: { findings } },
    );
  }
}

export class UnsafePatternError extends ModelGatewayError {
  constructor(reason: string) {
    super('model-gateway.unsafe_pattern', 'invalid_argument', `The pattern cannot be used: ${reason}.`, { details: { path: 'pattern', reason } });
  }
}

export class GuardrailRuleNotFoundError extends ModelGatewayError {
  constructor(id: string) {
    super('model-gateway.guardrail_rule_not_found', 'not_found', `No guardrail rule ${id} in this tenant.`, { details: { id } });
  }
}

export class GuardrailRuleConflictError extends ModelGatewayError {
  constructor(message: string, details: Record<string, unknown>) {
    super('model-gateway.guardrail_rule_conflict', 'conflict', message, { details });
  }
}

export class TooManyGuardrailRulesError extends ModelGatewayError {
  constructor(max: number) {
    super('model-gateway.too_many_guardrail_rules', 'failed_precondition', `A tenant has at most ${max} guardrail rules.`, { details: { max } });
  }
}

export class GuardrailsUnavailableError extends ModelGatewayError {
  constructor(cause: unknown) {
    super('model-gateway.guardrails_unavailable', 'unavailable', 'Guardrail rules cannot be read right now (database unavailable); nothing was sent.', { cause });
  }
}
