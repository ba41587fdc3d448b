/**
 * What the ontology API's refusals carry: the validation pipe puts field issues in
 * `details.issues`, the ontology layer's own checks in `details.errors` (both `{path, message}`).
 */
import { ApiError, type FieldIssue } from '../api/api-client';

export function ontologyIssues(error: unknown): FieldIssue[] {
  if (!(error instanceof ApiError)) return [];
  const details = (error.details ?? {}) as { errors?: unknown };
  return [...error.issues, ...fieldIssues(details.errors)];
}

export function fieldIssues(value: unknown): FieldIssue[] {
  if (!Array.isArray(value)) return [];
  return value.filter((issue): issue is FieldIssue => typeof issue === 'object' && issue !== null && typeof issue.path === 'string' && typeof issue.message === 'string');
}

/** What to do next after a refusal, by status (shown under the API's code and message). */
export function nextStep(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  if (error.code === 'ontology.action_criteria_not_met') return 'Read the failing criteria above: change the parameters (or the object they name), check again, then apply.';
  if (error.code === 'ontology.schema_change_rejected') return 'Read the report above: fix what it names (or migrate the data first), check again, then apply.';
  switch (error.status) {
    case 400:
    case 422:
      return 'Correct the fields named above and try again.';
    case 404:
      return 'It may have been deleted: reload the list.';
    case 409:
      return 'Someone else changed it meanwhile: reload to see the current state, then redo your change.';
    case 412:
      return 'A precondition failed: read the explanation above, fix the data it names, then try again.';
    case 429:
      return 'Too many requests: wait a moment and retry.';
    case 503:
      return 'The platform is busy or restarting: retry shortly.';
    default:
      return undefined;
  }
}
