/** The search playground's form: one query sent as three searches (vector, text, hybrid). Pure: unit-tested. */
import type { MetadataFilter, SearchBody, SearchHit, SearchMode } from '../api/vectors';
import type { FieldErrors } from './form-errors';

export interface SearchDraft {
  query: string;
  topK: string;
  vectorWeight: string;
  textWeight: string;
  rrfK: string;
  /** A JSON object: key → value or list of values (equality / in). */
  metadata: string;
  /** Document ids, separated by commas, spaces or new lines. */
  documentIds: string;
  /** Recorded with the search in the data-access log; needed for confidential and restricted collections. */
  purpose: string;
}

export const SEARCH_FIELDS = ['query', 'topK', 'vectorWeight', 'textWeight', 'rrfK', 'metadata', 'documentIds', 'purpose'] as const;
/** The API's cap on topK. */
export const MAX_TOP_K = 100;

export function emptySearchDraft(): SearchDraft {
  return { query: '', topK: '10', vectorWeight: '1', textWeight: '1', rrfK: '60', metadata: '', documentIds: '', purpose: '' };
}

const SCALAR = (value: unknown): value is string | number | boolean => typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

/** The metadata filter typed as JSON: `{"lang": "en", "year": [2023, 2024]}`; empty text is no filter. */
export function parseMetadataFilter(text: string): { value?: MetadataFilter; error?: string } {
  const trimmed = text.trim();
  if (!trimmed) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (error) {
    return { error: `Not valid JSON: ${(error as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { error: 'Write a JSON object of metadata keys, e.g. {"lang": "en"}.' };
  const filter: MetadataFilter = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (SCALAR(value)) filter[key] = value;
    else if (Array.isArray(value) && value.length > 0 && value.every(SCALAR)) filter[key] = value;
    else return { error: `"${key}": use a string, number or boolean, or a non-empty list of them.` };
  }
  return Object.keys(filter).length ? { value: filter } : {};
}

function number(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

export function checkSearchDraft(draft: SearchDraft): FieldErrors {
  const errors: FieldErrors = {};
  if (!draft.query.trim()) errors['query'] = 'Type what to search for.';
  const topK = number(draft.topK);
  if (topK === undefined || !Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) errors['topK'] = `A whole number from 1 to ${MAX_TOP_K}.`;
  const vector = number(draft.vectorWeight);
  const text = number(draft.textWeight);
  if (vector === undefined || vector < 0) errors['vectorWeight'] = 'A number, 0 or more.';
  if (text === undefined || text < 0) errors['textWeight'] = 'A number, 0 or more.';
  if (vector === 0 && text === 0) errors['vectorWeight'] = 'At least one weight must be above 0.';
  const rrfK = number(draft.rrfK);
  if (rrfK === undefined || !Number.isInteger(rrfK) || rrfK < 1) errors['rrfK'] = 'A whole number, 1 or more (60 is usual).';
  const metadata = parseMetadataFilter(draft.metadata);
  if (metadata.error) errors['metadata'] = metadata.error;
  return errors;
}

export function documentIdsOf(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((id) => id.trim()).filter(Boolean))];
}

/** The request of one mode: weights and k only for hybrid, the filter only when one is given. */
export function searchBody(draft: SearchDraft, mode: SearchMode): SearchBody {
  const metadata = parseMetadataFilter(draft.metadata).value;
  const documentIds = documentIdsOf(draft.documentIds);
  const filter = metadata || documentIds.length ? { ...(metadata ? { metadata } : {}), ...(documentIds.length ? { documentIds } : {}) } : undefined;
  return {
    query: draft.query.trim(),
    mode,
    topK: Number(draft.topK.trim()),
    ...(filter ? { filter } : {}),
    ...(draft.purpose.trim() ? { purpose: draft.purpose.trim() } : {}),
    ...(mode === 'hybrid' ? { weights: { vector: Number(draft.vectorWeight.trim()), text: Number(draft.textWeight.trim()) }, rrfK: Number(draft.rrfK.trim()) } : {}),
  };
}

export const MODE_TITLES: Record<SearchMode, string> = {
  vector: 'Vector (kNN)',
  text: 'Full text',
  hybrid: 'Hybrid (RRF)',
};

/** The details line of a hit: its rank in each list, and each method's own score. */
export function hitScoreDetails(hit: Pick<SearchHit, 'scores'>, mode: SearchMode): string {
  const parts: string[] = [];
  const { vector, text, vectorRank, textRank } = hit.scores ?? {};
  if (mode !== 'text' && vector !== undefined) parts.push(`similarity ${formatScore(vector)}`);
  if (mode !== 'vector' && text !== undefined) parts.push(`text rank ${formatScore(text)}`);
  if (mode === 'hybrid') {
    parts.push(vectorRank !== undefined ? `#${vectorRank} in vector` : 'not in vector list');
    parts.push(textRank !== undefined ? `#${textRank} in text` : 'not in text list');
  }
  return parts.join(' · ');
}

/** A score with four significant decimals (RRF scores are small: 0.0164). */
export function formatScore(score: number): string {
  if (!Number.isFinite(score)) return '—';
  if (score !== 0 && Math.abs(score) < 0.001) return score.toExponential(2);
  return score.toFixed(4);
}

/** A long chunk cut for the result card at a word boundary, with the cut marked. */
export function excerpt(text: string, max = 400): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
