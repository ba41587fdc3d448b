/**
 * The collection form of the vectors pages: its draft (strings as typed), the client-side checks,
 * the request body, and the API's refusals spread over its fields.
 */
import { ApiError } from '../api/api-client';
import type { ChunkingStrategy, Collection, CollectionChanges, DataClassification, DistanceMetric, NewCollection } from '../api/vectors';
import type { FieldErrors, SplitIssues } from './form-errors';
import { roleProblem } from './form-errors';

export interface CollectionDraft {
  name: string;
  description: string;
  embeddingAlias: string;
  dimensions: string;
  metric: DistanceMetric;
  strategy: ChunkingStrategy;
  maxTokens: string;
  overlapTokens: string;
  textSearchConfig: string;
  classification: DataClassification;
  readerRoles: string[];
}

/** The form's fields, in order: API issue paths are mapped onto these. */
export const COLLECTION_FIELDS = ['name', 'description', 'embeddingAlias', 'dimensions', 'metric', 'strategy', 'maxTokens', 'overlapTokens', 'textSearchConfig', 'classification', 'readerRoles'] as const;
export type CollectionField = (typeof COLLECTION_FIELDS)[number];

/** The built-in local embedding model's size (`embedding-default` without a provider). */
export const LOCAL_EMBEDDING_DIMENSIONS = 384;
export const COLLECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;
/** Chunk sizes the form accepts (the API enforces its own limits and says so). */
export const MAX_CHUNK_TOKENS = 8192;
/** A PostgreSQL text search configuration name (the API checks that it exists). */
export const TEXT_SEARCH_CONFIG = /^[a-z_][a-z0-9_]{0,62}$/;

export function emptyCollectionDraft(): CollectionDraft {
  return {
    name: '',
    description: '',
    embeddingAlias: 'embedding-default',
    dimensions: String(LOCAL_EMBEDDING_DIMENSIONS),
    metric: 'cosine',
    strategy: 'heading_aware',
    maxTokens: '400',
    overlapTokens: '50',
    textSearchConfig: 'simple',
    classification: 'internal',
    readerRoles: [],
  };
}

export function draftOf(collection: Collection): CollectionDraft {
  return {
    name: collection.name,
    description: collection.description,
    embeddingAlias: collection.embeddingAlias,
    dimensions: String(collection.dimensions),
    metric: collection.metric,
    strategy: collection.chunking.strategy,
    maxTokens: String(collection.chunking.maxTokens),
    overlapTokens: String(collection.chunking.overlapTokens),
    textSearchConfig: collection.textSearchConfig ?? 'simple',
    classification: collection.classification,
    readerRoles: [...collection.readerRoles],
  };
}

function wholeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

/** What the client can tell before asking the API (the API checks everything again, plus the alias's real dimensions). */
export function checkCollectionDraft(draft: CollectionDraft): FieldErrors {
  const errors: FieldErrors = {};
  if (!COLLECTION_NAME.test(draft.name.trim())) errors['name'] = 'Use 1–100 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit.';
  if (draft.description.length > 2000) errors['description'] = 'At most 2000 characters.';
  if (!draft.embeddingAlias.trim()) errors['embeddingAlias'] = 'Choose the embedding alias or model that embeds this collection.';
  const dimensions = wholeNumber(draft.dimensions);
  if (dimensions === undefined || dimensions < 1 || dimensions > 16000) errors['dimensions'] = 'A whole number of dimensions between 1 and 16000 (the alias’s model decides: 384 for the built-in local model).';
  const maxTokens = wholeNumber(draft.maxTokens);
  if (maxTokens === undefined || maxTokens < 16 || maxTokens > MAX_CHUNK_TOKENS) errors['maxTokens'] = `A whole number of tokens between 16 and ${MAX_CHUNK_TOKENS}.`;
  const overlap = wholeNumber(draft.overlapTokens);
  if (overlap === undefined) errors['overlapTokens'] = 'A whole number of tokens (0 for no overlap).';
  else if (maxTokens !== undefined && overlap >= maxTokens) errors['overlapTokens'] = 'The overlap must be smaller than the chunk size.';
  if (!TEXT_SEARCH_CONFIG.test(draft.textSearchConfig.trim())) errors['textSearchConfig'] = 'A PostgreSQL text search configuration name, such as simple or english.';
  const roles = roleProblem(draft.readerRoles, false);
  if (roles) errors['readerRoles'] = roles;
  return errors;
}

export function collectionBody(draft: CollectionDraft): NewCollection {
  return {
    name: draft.name.trim(),
    description: draft.description.trim(),
    embeddingAlias: draft.embeddingAlias.trim(),
    dimensions: Number(draft.dimensions.trim()),
    metric: draft.metric,
    chunking: { strategy: draft.strategy, maxTokens: Number(draft.maxTokens.trim()), overlapTokens: Number(draft.overlapTokens.trim()) },
    textSearchConfig: draft.textSearchConfig.trim(),
    classification: draft.classification,
    readerRoles: draft.readerRoles,
  };
}

/** Only what changed, with the version the edit started from (a concurrent change → 409). */
export function collectionChanges(collection: Collection, draft: CollectionDraft): CollectionChanges {
  const next = collectionBody(draft);
  const changes: CollectionChanges = { expectedVersion: collection.version };
  if (next.name !== collection.name) changes.name = next.name;
  if (next.description !== collection.description) changes.description = next.description;
  if (next.embeddingAlias !== collection.embeddingAlias) changes.embeddingAlias = next.embeddingAlias;
  if (next.dimensions !== collection.dimensions) changes.dimensions = next.dimensions;
  if (next.metric !== collection.metric) changes.metric = next.metric;
  const chunking = collection.chunking;
  if (next.chunking.strategy !== chunking.strategy || next.chunking.maxTokens !== chunking.maxTokens || next.chunking.overlapTokens !== chunking.overlapTokens) changes.chunking = next.chunking;
  if (next.textSearchConfig !== (collection.textSearchConfig ?? 'simple')) changes.textSearchConfig = next.textSearchConfig;
  if (next.classification !== collection.classification) changes.classification = next.classification;
  if ([...next.readerRoles].sort().join(',') !== [...collection.readerRoles].sort().join(',')) changes.readerRoles = next.readerRoles;
  return changes;
}

/** The form field an API issue path names: `chunking.maxTokens` → maxTokens, `readerRoles.2` → readerRoles. */
export function fieldOfPath(path: string): CollectionField | undefined {
  const parts = path.split(/[.[\]/]+/).filter(Boolean);
  if (parts[0] === 'chunking') {
    const inner = parts[1];
    if (inner === 'strategy' || inner === 'maxTokens' || inner === 'overlapTokens') return inner;
    return 'maxTokens';
  }
  const first = parts[0] as CollectionField | undefined;
  return first && (COLLECTION_FIELDS as readonly string[]).includes(first) ? first : undefined;
}

/** Codes the vectors API answers for a field without a validation issue list. */
const CODE_FIELDS: Record<string, CollectionField> = {
  'vectors.dimension_mismatch': 'dimensions',
  'vectors.collection_name_taken': 'name',
  'vectors.duplicate_collection': 'name',
  'vectors.collection_exists': 'name',
  'vectors.unknown_text_search_config': 'textSearchConfig',
  'model-gateway.unknown_model': 'embeddingAlias',
  'model-gateway.wrong_operation': 'embeddingAlias',
};

/**
 * Spreads the API's refusal over the form: validation issues (`details.issues`, or the layer's
 * own `details.errors`) by path, and a known code (a dimension mismatch, a taken name, an alias
 * that does not embed) onto its field with the API's message.
 */
export function collectionIssues(error: unknown): SplitIssues {
  const fields: FieldErrors = {};
  const other: string[] = [];
  if (!(error instanceof ApiError)) return { fields, other };
  const details = (error.details ?? {}) as { errors?: unknown };
  const extra = Array.isArray(details.errors)
    ? details.errors.filter((issue): issue is { path: string; message: string } => typeof issue?.path === 'string' && typeof issue?.message === 'string')
    : [];
  for (const issue of [...error.issues, ...extra]) {
    const field = fieldOfPath(issue.path);
    if (field) fields[field] ??= issue.message;
    else other.push(issue.path && issue.path !== '(root)' ? `${issue.path}: ${issue.message}` : issue.message);
  }
  const byCode = CODE_FIELDS[error.code] ?? (error.status === 409 && /name/i.test(error.message) ? 'name' : undefined);
  if (byCode && !Object.keys(fields).length && !other.length) fields[byCode] = error.message;
  return { fields, other };
}
