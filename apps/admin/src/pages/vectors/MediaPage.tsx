import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { catalogApi } from '../../api/model-gateway';
import { collectionsApi, DATA_CLASSIFICATIONS, MEDIA_TYPES, mediaApi, type CaptionResult, type DataClassification, type MediaObject } from '../../api/vectors';
import { splitIssues, type FieldErrors } from '../../app/form-errors';
import { useMe } from '../../app/me-context';
import { useAction } from '../../app/use-action';
import { useFilterDraft } from '../../app/use-filter-draft';
import { useFormSubmit } from '../../app/use-form-submit';
import { asError, useLoad } from '../../app/use-load';
import { usePagedList } from '../../app/use-paged-list';
import { useUrlFilters } from '../../app/use-url-filters';
import { isFiltered, type FilterSpec, type FilterValues } from '../../app/url-filters';
import { canPreview, contentTypeLabel, formatBytes, isImage } from '../../app/vectors-media';
import { VECTORS_SUBJECTS } from '../../app/vectors-subjects';
import { ChoiceSelect } from '../../components/ChoiceSelect';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Field, FormProblems } from '../../components/Field';
import { FilterForm } from '../../components/FilterForm';
import { ListState, LoadMore, SuccessNotice } from '../../components/ListState';
import { TableHead } from '../../components/TableHead';
import { Time } from '../../components/Time';
import { ClassificationBadge } from './ClassificationBadge';
import { VectorsErrorNotice } from './VectorsErrorNotice';

type MediaFilterKey = 'filename' | 'classification' | 'contentType';
const MEDIA_FILTERS: FilterSpec<MediaFilterKey> = {
  defaults: { filename: '', classification: '', contentType: '' },
  allowed: { classification: ['', ...DATA_CLASSIFICATIONS], contentType: ['', ...MEDIA_TYPES] },
};

/** The fields the API's rules on media look at (`createdBy` is `type:id`). */
function mediaSubject(media: MediaObject): Record<string, unknown> {
  return { ...media, createdById: media.createdBy.slice(media.createdBy.indexOf(':') + 1) };
}

/** The media store: uploaded files (content-addressed, type sniffed from the bytes), image previews and captions. */
export function MediaPage() {
  const { me, permissions } = useMe();
  const { filters, setFilters, key } = useUrlFilters(MEDIA_FILTERS);
  const media = usePagedList((cursor) => mediaApi.list({ filename: filters.filename, classification: filters.classification, contentType: filters.contentType, cursor }), key);
  const { error: actionError, done, run, setDone, setError } = useAction();
  const [describing, setDescribing] = useState<string>();
  const mayUpload = permissions.can('create', VECTORS_SUBJECTS.media);

  return (
    <section>
      <h1>Media</h1>
      <p className="lead">
        Files stored for ingestion and for agents: kept once per content (sha256), typed from their bytes, classified. Images can be described by a
        vision-capable model; the caption is stored and, ingested into a collection, searchable by text.
      </p>
      {done ? <SuccessNotice>{done}</SuccessNotice> : null}
      {actionError ? <VectorsErrorNotice error={actionError} /> : null}

      {mayUpload ? (
        <UploadMediaForm
          onUploaded={(uploaded) => {
            media.upsert(uploaded);
            setError(undefined);
            setDone(uploaded.deduplicated ? `${uploaded.filename}: the same bytes were already stored; the stored copy is reused.` : `Uploaded ${uploaded.filename}.`);
          }}
        />
      ) : me ? (
        <p className="muted">Your roles do not allow uploading media.</p>
      ) : null}

      <MediaFilterForm key={key} values={filters} onApply={(values) => setFilters(values)} onClear={() => setFilters(MEDIA_FILTERS.defaults)} />

      {media.error ? <VectorsErrorNotice error={media.error} /> : null}
      <ListState
        loading={media.loading}
        empty={media.items.length === 0}
        emptyText={media.error ? 'Media could not be loaded.' : isFiltered(filters, MEDIA_FILTERS) ? 'No file matches these filters.' : 'No file stored yet.'}
      >
        <table className="table table-wide" data-testid="media">
          <caption>Stored files, newest first</caption>
          <TableHead columns={['File', 'Type', 'Size', 'Classification', 'Caption', 'Uploaded']} actions />
          <tbody>
            {media.items.map((item) => (
              <tr key={item.id}>
                <th scope="row">
                  {item.filename}
                  <div className="muted mono" title={`sha256 ${item.sha256}`}>
                    {item.sha256.slice(0, 12)}…
                  </div>
                  {isImage(item.contentType) ? <ImagePreview media={item} /> : null}
                </th>
                <td>
                  {contentTypeLabel(item.contentType)}
                  <div className="muted mono">{item.contentType}</div>
                </td>
                <td className="numeric">{formatBytes(item.sizeBytes)}</td>
                <td>
                  <ClassificationBadge classification={item.classification} />
                </td>
                <td>
                  {describing === item.id ? (
                    <DescribeForm
                      media={item}
                      onCancel={() => setDescribing(undefined)}
                      onDescribed={(described) => {
                        media.upsert(described.media);
                        setDescribing(undefined);
                        setError(undefined);
                        setDone(
                          `Described ${item.filename} with ${described.route.catalogModel}.` +
                            (described.document ? ` The caption is queued for ingestion as document ${described.document.name}.` : ''),
                        );
                      }}
                    />
                  ) : item.caption ? (
                    <span data-testid="media-caption">{item.caption}</span>
                  ) : (
                    <span className="muted">none</span>
                  )}
                </td>
                <td>
                  <Time value={item.createdAt} />
                </td>
                <td className="actions">
                  <DownloadButton media={item} onError={setError} />
                  {isImage(item.contentType) && describing !== item.id && permissions.can('update', VECTORS_SUBJECTS.media, mediaSubject(item)) ? (
                    <button type="button" className="button button-small" aria-label={`Describe ${item.filename}`} onClick={() => setDescribing(item.id)}>
                      Describe
                    </button>
                  ) : null}
                  {permissions.can('delete', VECTORS_SUBJECTS.media, mediaSubject(item)) ? (
                    <ConfirmButton
                      label="Delete"
                      confirmLabel="Delete file"
                      question={`Delete ${item.filename}? Documents ingested from it keep their chunks.`}
                      onConfirm={() =>
                        run(async () => {
                          await mediaApi.remove(item.id);
                          media.remove(item.id);
                          return `Deleted ${item.filename}.`;
                        })
                      }
                    />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <LoadMore hasMore={media.hasMore} loading={media.loadingMore} onClick={media.loadMore} />
      </ListState>
    </section>
  );
}

function MediaFilterForm({ values, onApply, onClear }: { values: FilterValues<MediaFilterKey>; onApply: (values: FilterValues<MediaFilterKey>) => void; onClear: () => void }) {
  const { draft, set, problems, submit } = useFilterDraft(values, { onApply });
  return (
    <FilterForm label="Media filters" onSubmit={submit} onClear={onClear}>
      <Field id="media-filter-filename" label="File name contains" error={problems.filename}>
        {(props) => <input {...props} value={draft.filename} onChange={set('filename')} />}
      </Field>
      <Field id="media-filter-classification" label="Classification" error={problems.classification}>
        {(props) => (
          <select {...props} value={draft.classification} onChange={set('classification')}>
            <option value="">any</option>
            {DATA_CLASSIFICATIONS.map((classification) => (
              <option key={classification} value={classification}>
                {classification}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="media-filter-type" label="Content type" error={problems.contentType}>
        {(props) => (
          <select {...props} value={draft.contentType} onChange={set('contentType')}>
            <option value="">any</option>
            {MEDIA_TYPES.map((type) => (
              <option key={type} value={type}>
                {contentTypeLabel(type)}
              </option>
            ))}
          </select>
        )}
      </Field>
    </FilterForm>
  );
}

/**
 * The image, fetched with the session's key (a plain `<img src>` cannot send it) and shown as a
 * data: URL (the admin's Content-Security-Policy allows no blob: images); only up to PREVIEW_MAX_BYTES.
 */
function ImagePreview({ media }: { media: MediaObject }) {
  const [url, setUrl] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const previewable = canPreview(media);
  useEffect(() => {
    if (!previewable) return;
    let live = true;
    mediaApi
      .content(media.id)
      .then(({ blob }) => dataUrlOf(blob))
      .then(
        (dataUrl) => live && setUrl(dataUrl),
        (error: unknown) => live && setProblem(asError(error).message),
      );
    return () => {
      live = false;
    };
  }, [media.id, previewable]);
  if (!previewable) return <div className="muted">Too large to preview here: download it.</div>;
  if (problem) return <div className="field-error">Preview unavailable: {problem}</div>;
  if (!url) return <div className="muted">Loading preview…</div>;
  return <img className="media-preview" src={url} alt={media.caption ?? `Preview of ${media.filename}`} />;
}

function dataUrlOf(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('The image could not be read.'));
    reader.readAsDataURL(blob);
  });
}

function DownloadButton({ media, onError }: { media: MediaObject; onError: (error: Error) => void }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="button button-small"
      disabled={busy}
      aria-label={`Download ${media.filename}`}
      onClick={async () => {
        setBusy(true);
        try {
          const { blob, filename } = await mediaApi.content(media.id);
          const url = URL.createObjectURL(blob);
          const link = document.createElement('a');
          link.href = url;
          link.download = filename ?? media.filename;
          link.click();
          setTimeout(() => URL.revokeObjectURL(url), 10_000);
        } catch (error) {
          onError(asError(error));
        } finally {
          setBusy(false);
        }
      }}
    >
      Download
    </button>
  );
}

function UploadMediaForm({ onUploaded }: { onUploaded: (media: MediaObject & { deduplicated?: boolean }) => void }) {
  const [file, setFile] = useState<File>();
  const [classification, setClassification] = useState<DataClassification>('internal');
  const input = useRef<HTMLInputElement>(null);
  const { errors, problems, failure, busy, send } = useFormSubmit();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {};
    if (!file) found['file'] = 'Choose a file.';
    else if (file.size === 0) found['file'] = 'The file is empty.';
    await send(
      found,
      async () => {
        if (!file) return;
        onUploaded(await mediaApi.upload(file, classification));
        setFile(undefined);
        if (input.current) input.current.value = '';
      },
      (error) => splitIssues(error, ['file', 'classification']),
    );
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-labelledby="upload-media-title">
      <h2 id="upload-media-title">Upload a file</h2>
      <FormProblems problems={problems} />
      {failure ? <VectorsErrorNotice error={failure} /> : null}
      <div className="form-row">
        <Field id="media-file" label="File" error={errors['file']} hint="Text, Markdown, HTML, PDF, or a PNG, JPEG, GIF or WebP image.">
          {(props) => <input {...props} ref={input} type="file" onChange={(event) => setFile(event.target.files?.[0] ?? undefined)} />}
        </Field>
        <Field id="media-classification" label="Classification" error={errors['classification']}>
          {(props) => <ChoiceSelect {...props} choices={DATA_CLASSIFICATIONS} value={classification} onChange={setClassification} />}
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Uploading…' : 'Upload'}
        </button>
      </div>
    </form>
  );
}

/** Asks a vision-capable model for a caption; optionally ingests it into a collection so it is searchable by text. */
function DescribeForm({ media, onDescribed, onCancel }: { media: MediaObject; onDescribed: (result: CaptionResult) => void; onCancel: () => void }) {
  const [model, setModel] = useState('');
  const [collectionId, setCollectionId] = useState('');
  const models = useLoad(async () => (await catalogApi.list()).items.filter((item) => item.operation === 'chat'), 'chat-catalog');
  const collections = useLoad(async () => (await collectionsApi.list()).items, 'collections');
  const { failure, busy, send } = useFormSubmit();

  return (
    <form
      className="inline-form"
      aria-label={`Describe ${media.filename}`}
      onSubmit={(event) => {
        event.preventDefault();
        void send(
          {},
          async () => onDescribed(await mediaApi.caption(media.id, { ...(model ? { model } : {}), ...(collectionId ? { collectionId } : {}) })),
          () => ({ fields: {}, other: [] }),
        );
      }}
    >
      {failure ? <VectorsErrorNotice error={failure} /> : null}
      <Field id={`describe-${media.id}-model`} label="Vision model" hint="Empty: the gateway's default chat alias.">
        {(props) => (
          <select {...props} value={model} onChange={(event) => setModel(event.target.value)}>
            <option value="">default</option>
            {(models.data ?? []).map((item) => (
              <option key={item.id} value={item.id}>
                {item.id}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={`describe-${media.id}-collection`} label="Ingest caption into" hint={<Link to="/vectors/collections">Collections</Link>}>
        {(props) => (
          <select {...props} value={collectionId} onChange={(event) => setCollectionId(event.target.value)}>
            <option value="">no collection</option>
            {(collections.data ?? []).map((collection) => (
              <option key={collection.id} value={collection.id}>
                {collection.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button button-small button-primary" disabled={busy}>
          {busy ? 'Describing…' : 'Describe image'}
        </button>
        <button type="button" className="button button-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
