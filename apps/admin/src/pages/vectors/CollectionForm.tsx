import { useState, type FormEvent } from 'react';
import { catalogApi } from '../../api/model-gateway';
import { CHUNKING_STRATEGIES, DATA_CLASSIFICATIONS, DISTANCE_METRICS } from '../../api/vectors';
import { useFormSubmit } from '../../app/use-form-submit';
import { useLoad } from '../../app/use-load';
import { checkCollectionDraft, collectionIssues, type CollectionDraft } from '../../app/vectors-collection-form';
import { ChoiceSelect } from '../../components/ChoiceSelect';
import { Field, FormProblems } from '../../components/Field';
import { RolePicker } from '../../components/RolePicker';
import { VectorsErrorNotice } from './VectorsErrorNotice';

const STRATEGY_LABELS: Record<string, string> = { heading_aware: 'heading aware (Markdown, HTML)', fixed: 'fixed size' };

/**
 * A collection's settings, for creating one or editing it. The alias picker offers the embedding
 * aliases and models of the tenant's gateway catalog; the API checks the dimensions against what
 * the alias's model really returns and refuses a mismatch before anything is written.
 */
export function CollectionForm({
  id,
  title,
  initial,
  submitLabel,
  busyLabel,
  onSubmit,
  onCancel,
  lockedEmbedding,
}: {
  id: string;
  title: string;
  initial: CollectionDraft;
  submitLabel: string;
  busyLabel: string;
  onSubmit: (draft: CollectionDraft) => Promise<void>;
  onCancel?: () => void;
  /** Why alias and dimensions cannot change (the collection has documents), if they cannot. */
  lockedEmbedding?: string;
}) {
  const [draft, setDraft] = useState<CollectionDraft>(initial);
  const { errors, problems, failure, busy, send } = useFormSubmit();
  const embeddings = useLoad(async () => (await catalogApi.list()).items.filter((item) => item.operation === 'embeddings'), 'embedding-catalog');
  const choices = embeddings.data ?? [];
  const aliasChoices = choices.some((item) => item.id === draft.embeddingAlias) || !draft.embeddingAlias ? choices : [{ id: draft.embeddingAlias, kind: 'alias' as const, operation: 'embeddings' as const }, ...choices];
  const set =
    <K extends keyof CollectionDraft>(field: K) =>
    (value: CollectionDraft[K]) =>
      setDraft((current) => ({ ...current, [field]: value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    await send(checkCollectionDraft(draft), () => onSubmit(draft), collectionIssues);
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <FormProblems problems={problems} />
      {failure ? <VectorsErrorNotice error={failure} /> : null}
      <div className="form-row">
        <Field id={`${id}-name`} label="Collection name" error={errors['name']} hint="Unique in the tenant; searches may name it instead of its id.">
          {(props) => <input {...props} value={draft.name} onChange={(event) => set('name')(event.target.value)} />}
        </Field>
        <Field id={`${id}-description`} label="Description" error={errors['description']}>
          {(props) => <input {...props} value={draft.description} onChange={(event) => set('description')(event.target.value)} />}
        </Field>
      </div>
      <div className="form-row">
        <Field
          id={`${id}-alias`}
          label="Embedding alias"
          error={errors['embeddingAlias']}
          hint={lockedEmbedding ?? (embeddings.error ? `The catalog could not be loaded (${embeddings.error.message}): type the alias.` : 'An embeddings alias or model of the gateway catalog.')}
        >
          {(props) =>
            embeddings.error || (!embeddings.loading && aliasChoices.length === 0) ? (
              <input {...props} value={draft.embeddingAlias} disabled={Boolean(lockedEmbedding)} onChange={(event) => set('embeddingAlias')(event.target.value)} />
            ) : (
              <select {...props} value={draft.embeddingAlias} disabled={Boolean(lockedEmbedding)} onChange={(event) => set('embeddingAlias')(event.target.value)}>
                {aliasChoices.map((item) => (
                  <option key={item.id} value={item.id}>
                    {item.id} {item.kind === 'alias' ? '(alias)' : '(model)'}
                  </option>
                ))}
              </select>
            )
          }
        </Field>
        <Field id={`${id}-dimensions`} label="Dimensions" error={errors['dimensions']} hint="What the model returns: 384 for the built-in local model.">
          {(props) => <input {...props} inputMode="numeric" value={draft.dimensions} disabled={Boolean(lockedEmbedding)} onChange={(event) => set('dimensions')(event.target.value)} />}
        </Field>
        <Field id={`${id}-metric`} label="Distance metric" error={errors['metric']}>
          {(props) => <ChoiceSelect {...props} choices={DISTANCE_METRICS} value={draft.metric} onChange={set('metric')} />}
        </Field>
      </div>
      <div className="form-row">
        <Field id={`${id}-strategy`} label="Chunking" error={errors['strategy']} hint="Heading aware keeps each chunk inside one section.">
          {(props) => (
            <select {...props} value={draft.strategy} onChange={(event) => set('strategy')(event.target.value as CollectionDraft['strategy'])}>
              {CHUNKING_STRATEGIES.map((strategy) => (
                <option key={strategy} value={strategy}>
                  {STRATEGY_LABELS[strategy] ?? strategy}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={`${id}-max-tokens`} label="Chunk size (tokens)" error={errors['maxTokens']}>
          {(props) => <input {...props} inputMode="numeric" value={draft.maxTokens} onChange={(event) => set('maxTokens')(event.target.value)} />}
        </Field>
        <Field id={`${id}-overlap`} label="Overlap (tokens)" error={errors['overlapTokens']}>
          {(props) => <input {...props} inputMode="numeric" value={draft.overlapTokens} onChange={(event) => set('overlapTokens')(event.target.value)} />}
        </Field>
      </div>
      <div className="form-row">
        <Field id={`${id}-text-search`} label="Text search language" error={errors['textSearchConfig']} hint="PostgreSQL configuration: simple (no stemming), english, german…">
          {(props) => <input {...props} value={draft.textSearchConfig} onChange={(event) => set('textSearchConfig')(event.target.value)} />}
        </Field>
        <Field id={`${id}-classification`} label="Classification" error={errors['classification']} hint="The most sensitive data its documents hold.">
          {(props) => <ChoiceSelect {...props} choices={DATA_CLASSIFICATIONS} value={draft.classification} onChange={set('classification')} />}
        </Field>
      </div>
      <RolePicker
        id={`${id}-readers`}
        legend="Reader roles"
        value={draft.readerRoles}
        onChange={set('readerRoles')}
        error={errors['readerRoles']}
        hint="Who may search and read it besides owner and admin. None: every role that may read collections."
      />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
        {onCancel ? (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
