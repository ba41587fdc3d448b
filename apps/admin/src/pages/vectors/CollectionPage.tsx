import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { collectionsApi, documentsApi, mediaApi, TEXT_FORMATS, type Collection, type IngestedDocument, type TextFormat, type VectorDocument } from '../../api/vectors';
import type { FieldErrors } from '../../app/form-errors';
import { useMe } from '../../app/me-context';
import { useAction } from '../../app/use-action';
import { useFormSubmit } from '../../app/use-form-submit';
import { useLoad } from '../../app/use-load';
import { usePagedList } from '../../app/use-paged-list';
import { collectionChanges, draftOf } from '../../app/vectors-collection-form';
import { anyIngesting, formatOfName, INGESTIBLE_ACCEPT, INGESTION_POLL_MS, isIngesting, progressLabel, progressPercent, statusBadgeClass } from '../../app/vectors-documents';
import { VECTORS_SUBJECTS } from '../../app/vectors-subjects';
import { splitIssues } from '../../app/form-errors';
import { ChoiceSelect } from '../../components/ChoiceSelect';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Field, FormProblems } from '../../components/Field';
import { ListState, LoadMore, SuccessNotice } from '../../components/ListState';
import { RoleList } from '../../components/RoleList';
import { TableHead } from '../../components/TableHead';
import { Time } from '../../components/Time';
import { ClassificationBadge } from './ClassificationBadge';
import { CollectionForm } from './CollectionForm';
import { VectorsErrorNotice } from './VectorsErrorNotice';

/** What an ingestion request did, in words. */
function queuedMessage(document: IngestedDocument): string {
  return document.unchanged ? `${document.name} is unchanged: the existing document is kept (nothing re-embedded).` : `Queued ${document.name} for ingestion.`;
}

/** One collection: its settings (edit, delete), its documents with their ingestion, and adding more. */
export function CollectionPage() {
  const { id = '' } = useParams();
  const { permissions } = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const created = (location.state as { created?: string } | null)?.created;
  const collection = useLoad(() => collectionsApi.get(id), id);
  const documents = usePagedList((cursor) => documentsApi.list(id, cursor), id);
  const { error: actionError, done, run, setDone, setError } = useAction();
  const [editing, setEditing] = useState(false);

  // While a document is queued, extracting or embedding, ask again every second (the job runs in the background).
  const ingesting = anyIngesting(documents.items);
  const { reload } = documents;
  useEffect(() => {
    if (!ingesting) return;
    const timer = setTimeout(reload, INGESTION_POLL_MS);
    return () => clearTimeout(timer);
  }, [ingesting, reload, documents.items]);

  const current = collection.data;
  if (!current) {
    return (
      <section>
        <p>
          <Link to="/vectors/collections">← Collections</Link>
        </p>
        <h1>Collection</h1>
        {collection.error ? <VectorsErrorNotice error={collection.error} /> : <p className="muted" role="status">Loading…</p>}
      </section>
    );
  }

  const mayUpdate = permissions.can('update', VECTORS_SUBJECTS.collection, { ...current });
  const mayDelete = permissions.can('delete', VECTORS_SUBJECTS.collection, { ...current });
  const mayIngest = permissions.can('create', VECTORS_SUBJECTS.document);
  const mayDeleteDocument = permissions.can('delete', VECTORS_SUBJECTS.document);

  function queued(document: IngestedDocument) {
    documents.upsert(document);
    setError(undefined);
    setDone(queuedMessage(document));
  }

  return (
    <section>
      <p>
        <Link to="/vectors/collections">← Collections</Link>
      </p>
      <div className="panel-head">
        <h1>{current.name}</h1>
        <Link className="button" to={`/vectors/search?collection=${encodeURIComponent(current.id)}`}>
          Search this collection
        </Link>
      </div>
      {current.description ? <p className="lead">{current.description}</p> : null}
      {created && !done ? <SuccessNotice>Created collection {created}.</SuccessNotice> : null}
      {done ? <SuccessNotice>{done}</SuccessNotice> : null}
      {actionError ? <VectorsErrorNotice error={actionError} /> : null}

      {editing ? (
        <CollectionForm
          id="edit-collection"
          title={`Edit ${current.name}`}
          initial={draftOf(current)}
          submitLabel="Save collection"
          busyLabel="Saving…"
          lockedEmbedding={documents.items.length ? 'The collection has documents: its embedding alias and dimensions cannot change.' : undefined}
          onCancel={() => setEditing(false)}
          onSubmit={async (draft) => {
            const saved = await collectionsApi.update(current.id, collectionChanges(current, draft));
            collection.setData(() => saved);
            setEditing(false);
            setDone(`Saved collection ${saved.name}.`);
          }}
        />
      ) : (
        <CollectionFacts
          collection={current}
          actions={
            <>
              {mayUpdate ? (
                <button type="button" className="button button-small" onClick={() => setEditing(true)}>
                  Edit settings
                </button>
              ) : null}
              {mayDelete ? (
                <ConfirmButton
                  label="Delete collection"
                  confirmLabel="Delete collection"
                  question={`Delete ${current.name} and all its documents and chunks?`}
                  onConfirm={() =>
                    run(async () => {
                      await collectionsApi.remove(current.id);
                      await navigate('/vectors/collections', { state: { deleted: current.name } });
                      return `Deleted collection ${current.name}.`;
                    })
                  }
                />
              ) : null}
            </>
          }
        />
      )}

      {mayIngest ? (
        <div className="two-columns">
          <UploadDocumentForm collection={current} onQueued={queued} />
          <PasteTextForm collection={current} onQueued={queued} />
        </div>
      ) : null}

      <h2>Documents</h2>
      {documents.error ? <VectorsErrorNotice error={documents.error} /> : null}
      <ListState
        loading={documents.loading}
        empty={documents.items.length === 0}
        emptyText={documents.error ? 'Documents could not be loaded.' : 'No document yet: upload a file or paste text above.'}
      >
        <table className="table table-wide" data-testid="documents">
          <caption>Documents of {current.name}{ingesting ? ' (refreshing while ingestion runs)' : ''}</caption>
          <TableHead columns={['Document', 'Format', 'Status', 'Progress', 'Updated']} actions />
          <tbody>
            {documents.items.map((document) => (
              <DocumentRow
                key={document.id}
                document={document}
                mayReingest={mayIngest}
                mayDelete={mayDeleteDocument}
                onReingest={() =>
                  run(async () => {
                    const again = await documentsApi.reingest(document.id);
                    documents.upsert(again);
                    return again.unchanged ? `${document.name} is unchanged: nothing to re-ingest.` : `Queued ${document.name} for ingestion again.`;
                  })
                }
                onDelete={() =>
                  run(async () => {
                    await documentsApi.remove(document.id);
                    documents.remove(document.id);
                    return `Deleted ${document.name} and its chunks.`;
                  })
                }
              />
            ))}
          </tbody>
        </table>
        <LoadMore hasMore={documents.hasMore} loading={documents.loadingMore} onClick={documents.loadMore} />
      </ListState>
    </section>
  );
}

function CollectionFacts({ collection, actions }: { collection: Collection; actions: ReactNode }) {
  return (
    <div>
      <div className="panel-head">
        <h2>Settings</h2>
        <div className="actions">{actions}</div>
      </div>
      <dl className="facts facts-wide" data-testid="collection-settings">
        <dt>Embedding alias</dt>
        <dd className="mono">{collection.embeddingAlias}</dd>
        <dt>Dimensions</dt>
        <dd>{collection.dimensions}</dd>
        <dt>Distance metric</dt>
        <dd>{collection.metric}</dd>
        <dt>Chunking</dt>
        <dd>
          {collection.chunking.strategy === 'heading_aware' ? 'heading aware' : 'fixed'}, {collection.chunking.maxTokens} tokens, {collection.chunking.overlapTokens}{' '}
          overlap
        </dd>
        <dt>Text search</dt>
        <dd className="mono">{collection.textSearchConfig ?? 'simple'}</dd>
        <dt>Classification</dt>
        <dd>
          <ClassificationBadge classification={collection.classification} />
        </dd>
        <dt>Reader roles</dt>
        <dd>{collection.readerRoles.length ? <RoleList roles={collection.readerRoles} /> : <span className="muted">every role that may read collections</span>}</dd>
        <dt>Version</dt>
        <dd>
          {collection.version}, updated <Time value={collection.updatedAt} />
        </dd>
      </dl>
    </div>
  );
}

function DocumentRow({
  document,
  mayReingest,
  mayDelete,
  onReingest,
  onDelete,
}: {
  document: VectorDocument;
  mayReingest: boolean;
  mayDelete: boolean;
  onReingest: () => Promise<void>;
  onDelete: () => Promise<void>;
}) {
  const percent = progressPercent(document);
  const running = isIngesting(document);
  return (
    <tr className={document.status === 'failed' ? 'row-error' : undefined} data-testid="document-row" data-status={document.status}>
      <th scope="row">
        {document.name}
        <div className="muted mono">{document.id}</div>
      </th>
      <td>{document.format}</td>
      <td>
        <span className={statusBadgeClass(document.status)} data-testid="document-status">
          {document.status}
        </span>
      </td>
      <td>
        <progress max={100} value={running && percent === 0 && document.status !== 'embedding' ? undefined : percent} aria-label={`Ingestion of ${document.name}`}>
          {percent}%
        </progress>
        <div className="muted">{progressLabel(document)}</div>
        {document.error ? (
          <div className="field-error" role="note">
            <code>{document.error.code}</code>: {document.error.message}
          </div>
        ) : null}
      </td>
      <td>
        <Time value={document.updatedAt} />
      </td>
      <td className="actions">
        {mayReingest ? (
          <button type="button" className="button button-small" disabled={running} aria-label={`Re-ingest ${document.name}`} onClick={() => void onReingest()}>
            Re-ingest
          </button>
        ) : null}
        {mayDelete ? <ConfirmButton label="Delete" confirmLabel="Delete document" question={`Delete ${document.name} and its chunks?`} onConfirm={onDelete} /> : null}
      </td>
    </tr>
  );
}

/** A file, stored in the media store (multipart upload, type sniffed by the API), then ingested. */
function UploadDocumentForm({ collection, onQueued }: { collection: Collection; onQueued: (document: IngestedDocument) => void }) {
  const [file, setFile] = useState<File>();
  const [name, setName] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const { errors, problems, failure, busy, send } = useFormSubmit();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {};
    if (!file) found['file'] = 'Choose a text, Markdown, HTML or PDF file.';
    else if (file.size === 0) found['file'] = 'The file is empty.';
    await send(
      found,
      async () => {
        if (!file) return;
        const media = await mediaApi.upload(file, collection.classification);
        const document = await documentsApi.ingestMedia(collection.id, { mediaId: media.id, name: name.trim() || file.name });
        setFile(undefined);
        setName('');
        if (input.current) input.current.value = '';
        onQueued(document);
      },
      (error) => splitIssues(error, ['file', 'name']),
    );
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-labelledby="upload-document-title">
      <h2 id="upload-document-title">Upload a file</h2>
      <FormProblems problems={problems} />
      {failure ? <VectorsErrorNotice error={failure} /> : null}
      <Field id="document-file" label="File" error={errors['file']} hint={`Text, Markdown, HTML or PDF; stored as ${collection.classification}.`}>
        {(props) => <input {...props} ref={input} type="file" accept={INGESTIBLE_ACCEPT} onChange={(event) => setFile(event.target.files?.[0] ?? undefined)} />}
      </Field>
      <Field id="document-file-name" label="Document name (optional)" error={errors['name']}>
        {(props) => <input {...props} value={name} placeholder={file?.name ?? 'the file name'} onChange={(event) => setName(event.target.value)} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Uploading…' : 'Upload and ingest'}
        </button>
      </div>
    </form>
  );
}

function PasteTextForm({ collection, onQueued }: { collection: Collection; onQueued: (document: IngestedDocument) => void }) {
  const [name, setName] = useState('');
  const [format, setFormat] = useState<TextFormat>('markdown');
  const [text, setText] = useState('');
  const { errors, problems, failure, busy, send } = useFormSubmit();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {};
    if (!name.trim()) found['name'] = 'Name the document (e.g. handbook.md).';
    if (!text.trim()) found['text'] = 'Paste the text to ingest.';
    await send(
      found,
      async () => {
        const document = await documentsApi.ingestText(collection.id, { name: name.trim(), format, text });
        setName('');
        setText('');
        onQueued(document);
      },
      (error) => splitIssues(error, ['name', 'format', 'text']),
    );
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-labelledby="paste-text-title">
      <h2 id="paste-text-title">Paste text</h2>
      <FormProblems problems={problems} />
      {failure ? <VectorsErrorNotice error={failure} /> : null}
      <div className="form-row">
        <Field id="text-name" label="Document name" error={errors['name']}>
          {(props) => (
            <input
              {...props}
              value={name}
              onChange={(event) => {
                setName(event.target.value);
                const guessed = formatOfName(event.target.value);
                if (guessed) setFormat(guessed);
              }}
            />
          )}
        </Field>
        <Field id="text-format" label="Format" error={errors['format']}>
          {(props) => <ChoiceSelect {...props} choices={TEXT_FORMATS} value={format} onChange={setFormat} />}
        </Field>
      </div>
      <Field id="text-body" label="Text" error={errors['text']}>
        {(props) => <textarea {...props} rows={6} value={text} onChange={(event) => setText(event.target.value)} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Queuing…' : 'Ingest text'}
        </button>
      </div>
    </form>
  );
}
