import { ApiError } from '../api/api-client';

export type FieldErrors = Record<string, string>;

export interface SplitIssues {
  /** The first message per form field (a path `roles.0` belongs to the field `roles`). */
  fields: FieldErrors;
  /** Issues that name no field of the form, shown above it. */
  other: string[];
}

/** Spreads a validation failure (`error.details.issues`) over a form's fields. */
export function splitIssues(error: unknown, formFields: readonly string[]): SplitIssues {
  const fields: FieldErrors = {};
  const other: string[] = [];
  if (!(error instanceof ApiError)) return { fields, other };
  for (const issue of error.issues) {
    const field = issue.path.split('.')[0] ?? '';
    if (formFields.includes(field)) {
      fields[field] ??= issue.message;
    } else {
      other.push(issue.path && issue.path !== '(root)' ? `${issue.path}: ${issue.message}` : issue.message);
    }
  }
  return { fields, other };
}

/** True when the form has nothing to complain about. */
export function isValid(errors: FieldErrors): boolean {
  return Object.keys(errors).length === 0;
}

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Names of service accounts and purposes (the API's rule). */
export const SLUG_NAME = /^[a-z][a-z0-9-]{1,62}$/;
/** Role names (the API's ROLE_NAME). */
export const ROLE_NAME = /^[a-z][a-z0-9-]{1,40}$/;

/** Role names typed as text, separated by commas or spaces. */
export function parseRoleList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((role) => role.trim()).filter(Boolean))];
}

/** The client-side check of a set of roles: at least one, all well-formed. */
export function roleProblem(roles: readonly string[], required = true): string | undefined {
  if (required && roles.length === 0) return 'Choose at least one role.';
  const bad = roles.filter((role) => !ROLE_NAME.test(role));
  if (bad.length) return `Not a role name: ${bad.join(', ')} (lowercase letters, digits and dashes, starting with a letter).`;
  if (roles.length > 20) return 'At most 20 roles.';
  return undefined;
}
