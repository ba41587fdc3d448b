import { useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { collectionsApi } from '../../api/vectors';
import { useMe } from '../../app/me-context';
import { useAction } from '../../app/use-action';
import { usePagedList } from '../../app/use-paged-list';
import { collectionBody, emptyCollectionDraft } from '../../app/vectors-collection-form';
import { VECTORS_SUBJECTS } from '../../app/vectors-subjects';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ListState, LoadMore, SuccessNotice } from '../../components/ListState';
import { RoleList } from '../../components/RoleList';
import { TableHead } from '../../components/TableHead';
import { Time } from '../../components/Time';
import { ClassificationBadge } from './ClassificationBadge';
import { CollectionForm } from './CollectionForm';
import { VectorsErrorNotice } from './VectorsErrorNotice';

/** The tenant's vector collections: what embeds them, how documents are chunked, who may read them. */
export function CollectionsPage() {
  const { me, permissions } = useMe();
  const navigate = useNavigate();
  const deleted = (useLocation().state as { deleted?: string } | null)?.deleted;
  const collections = usePagedList((cursor) => collectionsApi.list(cursor), 'collections');
  const { error: actionError, done, run } = useAction();
  const [creating, setCreating] = useState(false);
  const mayCreate = permissions.can('create', VECTORS_SUBJECTS.collection);

  return (
    <section>
      <h1>Collections</h1>
      <p className="lead">
        Searchable sets of documents. Each collection is embedded by one model (through the gateway), chunked its own way, classified, and readable only by
        the roles it names. Documents are ingested in the background; open a collection to add and watch them.
      </p>
      {deleted && !done ? <SuccessNotice>Deleted collection {deleted}.</SuccessNotice> : null}
      {done ? <SuccessNotice>{done}</SuccessNotice> : null}
      {actionError ? <VectorsErrorNotice error={actionError} /> : null}

      <div className="panel-head">
        <h2>All collections</h2>
        {mayCreate && !creating ? (
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            New collection
          </button>
        ) : null}
      </div>
      {me && !mayCreate ? <p className="muted">Your roles do not allow creating collections.</p> : null}
      {creating ? (
        <CollectionForm
          id="new-collection"
          title="Create a collection"
          initial={emptyCollectionDraft()}
          submitLabel="Create collection"
          busyLabel="Creating…"
          onCancel={() => setCreating(false)}
          onSubmit={async (draft) => {
            const collection = await collectionsApi.create(collectionBody(draft));
            setCreating(false);
            await navigate(`/vectors/collections/${encodeURIComponent(collection.id)}`, { state: { created: collection.name } });
          }}
        />
      ) : null}

      {collections.error ? <VectorsErrorNotice error={collections.error} /> : null}
      <ListState
        loading={collections.loading}
        empty={collections.items.length === 0}
        emptyText={collections.error ? 'Collections could not be loaded.' : 'No collection yet. Create one, then add documents to it.'}
      >
        <table className="table table-wide" data-testid="collections">
          <caption>Collections</caption>
          <TableHead columns={['Collection', 'Embedding', 'Chunking', 'Classification', 'Readers', 'Updated']} actions />
          <tbody>
            {collections.items.map((collection) => (
              <tr key={collection.id}>
                <th scope="row">
                  <Link to={`/vectors/collections/${encodeURIComponent(collection.id)}`}>{collection.name}</Link>
                  {collection.description ? <div className="muted">{collection.description}</div> : null}
                </th>
                <td>
                  <span className="mono">{collection.embeddingAlias}</span>
                  <div className="muted">
                    {collection.dimensions} dimensions, {collection.metric}
                  </div>
                </td>
                <td>
                  {collection.chunking.strategy === 'heading_aware' ? 'heading aware' : 'fixed'}
                  <div className="muted">
                    {collection.chunking.maxTokens} tokens, {collection.chunking.overlapTokens} overlap
                  </div>
                </td>
                <td>
                  <ClassificationBadge classification={collection.classification} />
                </td>
                <td>{collection.readerRoles.length ? <RoleList roles={collection.readerRoles} /> : <span className="muted">every reader</span>}</td>
                <td>
                  <Time value={collection.updatedAt} />
                </td>
                <td className="actions">
                  <Link className="button button-small" to={`/vectors/search?collection=${encodeURIComponent(collection.id)}`} aria-label={`Search ${collection.name}`}>
                    Search
                  </Link>
                  {permissions.can('delete', VECTORS_SUBJECTS.collection, { ...collection }) ? (
                    <ConfirmButton
                      label="Delete"
                      confirmLabel="Delete collection"
                      question={`Delete ${collection.name} and all its documents and chunks?`}
                      onConfirm={() =>
                        run(async () => {
                          await collectionsApi.remove(collection.id);
                          collections.remove(collection.id);
                          return `Deleted collection ${collection.name}.`;
                        })
                      }
                    />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <LoadMore hasMore={collections.hasMore} loading={collections.loadingMore} onClick={collections.loadMore} />
      </ListState>
    </section>
  );
}
