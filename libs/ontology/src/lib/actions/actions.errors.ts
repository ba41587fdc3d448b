import { OntologyError } from '../ontology.errors';
import type { CriterionResult } from './submission-criteria';

export interface ActionFieldError {
  path: string;
  message: string;
}

export class InvalidActionTypeError extends OntologyError {
  constructor(issues: ActionFieldError[]) {
    super('ontology.invalid_action_type', 'invalid_argument', `Invalid action type: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`.slice(0, 2000), {
      details: { issues },
    });
  }
}

export class ActionTypeNotFoundError extends OntologyError {
  constructor(id: string) {
    super('ontology.action_type_not_found', 'not_found', `No action type ${id.slice(0, 100)} in this tenant.`, { details: { id: id.slice(0, 100) } });
  }
}

export class ActionTypeExistsError extends OntologyError {
  constructor(apiName: string) {
    super('ontology.action_type_exists', 'conflict', `An action type ${apiName} already exists in this tenant.`, { details: { apiName } });
  }
}

export class ActionTypeVersionConflictError extends OntologyError {
  constructor(id: string, expectedVersion: number, actualVersion: number) {
    super('ontology.action_type_version_conflict', 'conflict', `Action type ${id} is at version ${actualVersion}, not ${expectedVersion}; reload it and apply your edit again.`, {
      details: { expectedVersion, actualVersion },
    });
  }
}

/** Parameters that fail the action type's parameter types: 400 with one entry per field. */
export class InvalidActionParametersError extends OntologyError {
  constructor(errors: ActionFieldError[]) {
    super('ontology.action_invalid_parameters', 'invalid_argument', `Invalid parameters: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`.slice(0, 2000), {
      details: { errors },
    });
  }
}

/** Submission criteria not met: 400 naming each failing criterion with what it expected and found. */
export class ActionCriteriaNotMetError extends OntologyError {
  constructor(failures: CriterionResult[], results: CriterionResult[]) {
    super(
      'ontology.action_criteria_not_met',
      'invalid_argument',
      `Submission criteria not met: ${failures.map((f) => `${f.id}: expected ${f.expected}, found ${JSON.stringify(f.actual)}`).join('; ')}`.slice(0, 2000),
      { details: { failures, criteria: results } },
    );
  }
}

/** An effect failed; nothing was applied (the whole transaction rolled back). */
export class ActionEffectFailedError extends OntologyError {
  constructor(index: number, kind: string, cause: { code?: string; message: string; details?: unknown }, errorKind: 'invalid_argument' | 'conflict' | 'not_found' | 'failed_precondition') {
    super('ontology.action_effect_failed', errorKind, `Effect ${index} (${kind}) failed, nothing was applied: ${cause.message}`.slice(0, 2000), {
      details: { effect: index, kind, cause: { code: cause.code ?? null, message: cause.message, details: cause.details ?? null } },
    });
  }
}

export class ActionNotFoundError extends OntologyError {
  constructor(id: string) {
    super('ontology.action_not_found', 'not_found', `No action ${id.slice(0, 100)} in this tenant.`, { details: { id: id.slice(0, 100) } });
  }
}

/** The action is not (or no longer) waiting for its approval: executed already, failed, or another request's. */
export class ActionNotAwaitingApprovalError extends OntologyError {
  constructor(id: string, status: string) {
    super('ontology.action_not_awaiting_approval', 'conflict', `Action ${id} is ${status}, not awaiting approval; an approved action executes once.`, { details: { id, status } });
  }
}

/** Revert refused, with the reason per change. */
export class ActionNotRevertibleError extends OntologyError {
  constructor(id: string, reasons: string[]) {
    super('ontology.action_not_revertible', 'conflict', `Action ${id} cannot be reverted: ${reasons.join('; ')}`.slice(0, 2000), { details: { id, reasons } });
  }
}
