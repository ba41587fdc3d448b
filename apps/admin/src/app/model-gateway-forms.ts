import { ApiError } from '../api/api-client';
import type { AliasTarget, ModelOperation, NewModelAlias, RoutingStrategy } from '../api/model-gateway';
import type { FieldErrors } from './form-errors';

/** Alias names and task classes: the API's rule (lower case, digits, dots, dashes, underscores; a letter first). */
export const ALIAS_NAME = /^[a-z][a-z0-9._-]{0,63}$/;

export interface TargetDraft {
  model: string;
  weight: string;
}

export interface AliasDraft {
  name: string;
  description: string;
  operation: ModelOperation;
  strategy: RoutingStrategy;
  targets: TargetDraft[];
  taskClasses: string;
  zeroDataRetention: boolean;
}

export function emptyAliasDraft(): AliasDraft {
  return { name: '', description: '', operation: 'chat', strategy: 'priority', targets: [{ model: '', weight: '1' }], taskClasses: '', zeroDataRetention: false };
}

/** Task classes typed as text, separated by commas or spaces. */
export function parseList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((item) => item.trim()).filter(Boolean))];
}

/**
 * The client-side checks of an alias form, keyed like the API's issue paths (`targets.1.weight`),
 * so both land on the same control.
 */
export function aliasDraftProblems(draft: AliasDraft, knownModels: readonly string[]): FieldErrors {
  const errors: FieldErrors = {};
  if (!ALIAS_NAME.test(draft.name.trim())) errors['name'] = 'Use lowercase letters, digits, dots, dashes or underscores (e.g. fast, reasoning).';
  if (draft.targets.length === 0) errors['targets'] = 'Add at least one target model.';
  const seen = new Set<string>();
  draft.targets.forEach((target, index) => {
    if (!target.model) errors[`targets.${index}.model`] = 'Choose a model of the catalog.';
    else if (knownModels.length && !knownModels.includes(target.model)) errors[`targets.${index}.model`] = `${target.model} is not in the catalog.`;
    else if (seen.has(target.model)) errors[`targets.${index}.model`] = 'Each model appears once in a route.';
    seen.add(target.model);
    const weight = Number(target.weight);
    if (!/^\d+$/.test(target.weight.trim()) || weight < 1 || weight > 1000) errors[`targets.${index}.weight`] = 'A whole number from 1 to 1000.';
  });
  const bad = parseList(draft.taskClasses).filter((item) => !ALIAS_NAME.test(item));
  if (bad.length) errors['taskClasses'] = `Not a task class name: ${bad.join(', ')}.`;
  return errors;
}

export function aliasFromDraft(draft: AliasDraft): NewModelAlias {
  const targets: AliasTarget[] = draft.targets.map((target) => ({ model: target.model, weight: Number(target.weight) }));
  return {
    name: draft.name.trim(),
    description: draft.description.trim(),
    operation: draft.operation,
    strategy: draft.strategy,
    targets,
    taskClasses: parseList(draft.taskClasses),
    zeroDataRetention: draft.zeroDataRetention,
  };
}

/**
 * Spreads a 400's issues over a form whose controls are keyed by issue paths: the longest key
 * that the path starts with wins (`targets.1.weight`, else `targets`), the rest go above the form.
 */
export function issuesByPath(error: unknown, keys: readonly string[]): { fields: FieldErrors; other: string[] } {
  const fields: FieldErrors = {};
  const other: string[] = [];
  if (!(error instanceof ApiError)) return { fields, other };
  const sorted = [...keys].sort((a, b) => b.length - a.length);
  for (const issue of error.issues) {
    const key = sorted.find((candidate) => issue.path === candidate || issue.path.startsWith(`${candidate}.`));
    if (key) fields[key] ??= issue.message;
    else other.push(issue.path && issue.path !== '(root)' ? `${issue.path}: ${issue.message}` : issue.message);
  }
  return { fields, other };
}

/** The keys of an alias form with `count` target rows (for issuesByPath). */
export function aliasFormKeys(count: number): string[] {
  const keys = ['name', 'description', 'strategy', 'targets', 'taskClasses', 'zeroDataRetention'];
  for (let index = 0; index < count; index += 1) keys.push(`targets.${index}.model`, `targets.${index}.weight`, `targets.${index}`);
  return keys;
}

/** A price per million tokens typed by the reader: a non-negative decimal. */
export const PRICE = /^\d{1,6}(\.\d{1,6})?$/;

/** Shares of weighted targets, as the router balances them (in percent, summing to 100 when any weight is set). */
export function weightShares(targets: readonly AliasTarget[]): number[] {
  const total = targets.reduce((sum, target) => sum + Math.max(0, target.weight), 0);
  return targets.map((target) => (total ? Math.round((Math.max(0, target.weight) / total) * 1000) / 10 : 0));
}

/** How a stored provider credential is shown: its hint only (the API's last characters), never more. */
export function credentialMask(hint: string | null | undefined): string {
  const tail = (hint ?? '').replace(/^[•…*.\s]+/, '');
  return tail ? `••••${tail}` : '•••• (set)';
}
