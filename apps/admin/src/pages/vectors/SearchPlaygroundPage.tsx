import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../../api/api-client';
import { collectionsApi, searchApi, SEARCH_MODES, type SearchMode, type SearchResult } from '../../api/vectors';
import { useFormSubmit } from '../../app/use-form-submit';
import { asError, useLoad } from '../../app/use-load';
import { checkSearchDraft, emptySearchDraft, excerpt, formatScore, hitScoreDetails, MODE_TITLES, searchBody, type SearchDraft } from '../../app/vectors-search';
import { splitIssues } from '../../app/form-errors';
import { Field, FormProblems } from '../../components/Field';
import { VectorsErrorNotice } from './VectorsErrorNotice';

type Outcome = { result: SearchResult } | { error: Error };

/**
 * One query, searched three ways side by side: vector kNN, full text, and their hybrid (reciprocal
 * rank fusion). Every search is a data access: it is recorded with the caller's purpose.
 */
export function SearchPlaygroundPage() {
  const [params, setParams] = useSearchParams();
  const collectionId = params.get('collection') ?? '';
  const collections = useLoad(async () => (await collectionsApi.list()).items, 'collections');
  const [draft, setDraft] = useState<SearchDraft>(emptySearchDraft);
  const [outcomes, setOutcomes] = useState<{ query: string; byMode: Partial<Record<SearchMode, Outcome>> }>();
  const { errors, problems, failure, busy, send } = useFormSubmit();
  const set = (field: keyof SearchDraft) => (event: { target: { value: string } }) => setDraft((current) => ({ ...current, [field]: event.target.value }));
  const list = collections.data ?? [];
  const chosen = list.find((collection) => collection.id === collectionId);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = checkSearchDraft(draft);
    if (!collectionId) found['collection'] = 'Choose a collection.';
    await send(
      found,
      async () => {
        // The three searches run at once; each column shows its own answer or its own error.
        const settled = await Promise.allSettled(SEARCH_MODES.map((mode) => searchApi.search(collectionId, searchBody(draft, mode))));
        const byMode: Partial<Record<SearchMode, Outcome>> = {};
        settled.forEach((outcome, index) => {
          const mode = SEARCH_MODES[index] as SearchMode;
          byMode[mode] = outcome.status === 'fulfilled' ? { result: outcome.value } : { error: asError(outcome.reason) };
        });
        // A request the API refuses as invalid is refused in all three modes alike: shown on the form's fields instead.
        const refusals = Object.values(byMode).filter((outcome): outcome is { error: Error } => 'error' in outcome);
        const invalid = refusals[0]?.error;
        if (refusals.length === SEARCH_MODES.length && invalid instanceof ApiError && invalid.status === 400) {
          setOutcomes(undefined);
          throw invalid;
        }
        setOutcomes({ query: draft.query.trim(), byMode });
      },
      (error) => splitIssues(error, [...SEARCH_FORM_FIELDS]),
    );
  }

  return (
    <section>
      <h1>Search playground</h1>
      <p className="lead">
        Type a query once and compare how a collection answers it by meaning (vector), by words (full text), and by both fused (hybrid, reciprocal rank
        fusion). Each search is recorded in the <Link to="/observability/data-access">data-access log</Link>.
      </p>

      <form className="panel form" onSubmit={submit} noValidate aria-label="Search">
        <FormProblems problems={problems} />
        {failure ? <VectorsErrorNotice error={failure} /> : null}
        {collections.error ? <VectorsErrorNotice error={collections.error} title="Collections could not be loaded." /> : null}
        <div className="form-row">
          <Field id="search-collection" label="Collection" error={errors['collection']}>
            {(props) => (
              <select {...props} value={collectionId} onChange={(event) => setParams(event.target.value ? { collection: event.target.value } : {}, { replace: true })}>
                <option value="">{collections.loading ? 'Loading…' : 'Choose a collection'}</option>
                {list.map((collection) => (
                  <option key={collection.id} value={collection.id}>
                    {collection.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="search-query" label="Query" error={errors['query']}>
            {(props) => <input {...props} type="search" value={draft.query} onChange={set('query')} placeholder="e.g. how do refunds work?" />}
          </Field>
          <Field id="search-top-k" label="Top K" error={errors['topK']}>
            {(props) => <input {...props} inputMode="numeric" value={draft.topK} onChange={set('topK')} />}
          </Field>
        </div>
        <div className="form-row">
          <Field id="search-vector-weight" label="Hybrid vector weight" error={errors['vectorWeight'] ?? errors['weights']}>
            {(props) => <input {...props} inputMode="decimal" value={draft.vectorWeight} onChange={set('vectorWeight')} />}
          </Field>
          <Field id="search-text-weight" label="Hybrid text weight" error={errors['textWeight']}>
            {(props) => <input {...props} inputMode="decimal" value={draft.textWeight} onChange={set('textWeight')} />}
          </Field>
          <Field id="search-rrf-k" label="RRF k" error={errors['rrfK']} hint="Rank fusion constant; 60 is usual.">
            {(props) => <input {...props} inputMode="numeric" value={draft.rrfK} onChange={set('rrfK')} />}
          </Field>
        </div>
        <div className="form-row">
          <Field id="search-metadata" label="Metadata filter (JSON)" error={errors['metadata'] ?? errors['filter']} hint='Equality or "in": {"lang": "en", "year": [2023, 2024]}'>
            {(props) => <textarea {...props} rows={2} className="mono" value={draft.metadata} onChange={set('metadata')} />}
          </Field>
          <Field id="search-document-ids" label="Only these document ids" error={errors['documentIds']} hint="Optional; separated by commas or spaces.">
            {(props) => <textarea {...props} rows={2} className="mono" value={draft.documentIds} onChange={set('documentIds')} />}
          </Field>
          <Field id="search-purpose" label="Purpose" error={errors['purpose']} hint="Why you search: recorded in the data-access log; needed for confidential and restricted collections.">
            {(props) => <input {...props} value={draft.purpose} onChange={set('purpose')} placeholder="e.g. customer-support" />}
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Searching…' : 'Search'}
          </button>
          {chosen ? (
            <span className="muted">
              {chosen.embeddingAlias}, {chosen.dimensions} dimensions, {chosen.metric}
            </span>
          ) : null}
        </div>
      </form>

      {outcomes ? (
        <div className="search-columns" data-testid="search-results">
          {SEARCH_MODES.map((mode) => (
            <ResultColumn key={mode} mode={mode} query={outcomes.query} outcome={outcomes.byMode[mode]} />
          ))}
        </div>
      ) : null}
    </section>
  );
}

/** Form fields a refusal's issue paths may name (`filter.metadata` belongs to the metadata field, `weights.text` to the weights). */
const SEARCH_FORM_FIELDS = ['query', 'topK', 'weights', 'rrfK', 'filter', 'purpose', 'collection'] as const;

function ResultColumn({ mode, query, outcome }: { mode: SearchMode; query: string; outcome: Outcome | undefined }) {
  const headingId = `results-${mode}`;
  return (
    <section className="panel search-column" aria-labelledby={headingId} data-testid={`results-${mode}`}>
      <h2 id={headingId}>{MODE_TITLES[mode]}</h2>
      {!outcome ? null : 'error' in outcome ? (
        <VectorsErrorNotice error={outcome.error} />
      ) : (
        <>
          <p className="muted">
            {outcome.result.hits.length} hit{outcome.result.hits.length === 1 ? '' : 's'} for “{query}” in {Math.round(outcome.result.tookMs)} ms
          </p>
          {outcome.result.hits.length === 0 ? <p className="empty">No match.</p> : null}
          <ol className="plain-list search-hits">
            {outcome.result.hits.map((hit, index) => (
              <li key={hit.chunkId} className="search-hit" data-testid="search-hit">
                <div className="search-hit-head">
                  <span className="badge badge-neutral">#{index + 1}</span> <strong title="Score">{formatScore(hit.score)}</strong>{' '}
                  <span className="muted">{hitScoreDetails(hit, mode)}</span>
                </div>
                <div>
                  <span className="search-hit-document">{hit.documentName}</span>{' '}
                  <span className="muted">
                    chunk {hit.position}, characters {hit.span.start}–{hit.span.end}
                  </span>
                </div>
                {hit.heading ? <div className="muted">§ {hit.heading}</div> : null}
                <p className="search-hit-text">{excerpt(hit.text)}</p>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
