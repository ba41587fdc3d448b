import { useEffect, useState } from 'react';
import { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES, auditApi, type AuditEntry, type AuditVerification } from '../../api/audit';
import { AUDIT_FILTERS, auditFilter, auditFilterProblems, exportFilename, type AuditFilterKey } from '../../app/audit-filters';
import { useMe } from '../../app/me-context';
import { isFiltered, type FilterValues } from '../../app/url-filters';
import { useFilterDraft } from '../../app/use-filter-draft';
import { asError, useLoad } from '../../app/use-load';
import { usePagedList } from '../../app/use-paged-list';
import { useUrlFilters } from '../../app/use-url-filters';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { ListState, LoadMore, SuccessNotice } from '../../components/ListState';
import { PrincipalId } from '../../components/PrincipalId';
import { Time } from '../../components/Time';
import { FilterForm } from '../../components/FilterForm';
import { TableHead } from '../../components/TableHead';

/**
 * The tenant's hash-chained audit log: filter and read entries, export what matches (NDJSON or
 * CSV, streamed), verify the chain and its signed checkpoints.
 */
export function AuditLogPage() {
  const { me, permissions } = useMe();
  const { filters, setFilters, key, params, setParams } = useUrlFilters(AUDIT_FILTERS);
  const filter = auditFilter(filters);
  const entries = usePagedList((cursor) => auditApi.entries(filter, cursor), key);
  const selectedId = params.get('entry') ?? '';
  const canVerify = permissions.can('verify', 'AuditEntry');
  const canExport = permissions.can('export', 'AuditEntry');
  const canReadCheckpoints = permissions.can('read', 'AuditCheckpoint');

  function select(id: string | undefined) {
    const next = new URLSearchParams(params);
    if (id) next.set('entry', id);
    else next.delete('entry');
    setParams(next);
  }

  return (
    <section>
      <h1>Audit log</h1>
      <p className="lead">
        Every change and every refusal, in a hash chain per tenant: each entry carries the hash of the one before, and signed checkpoints pin the chain, so
        a removed, altered or inserted entry is detected by verification.
      </p>

      {me && (canVerify || canExport) ? <IntegrityAndExport canVerify={canVerify} canExport={canExport} filter={filter} filtered={isFiltered(filters, AUDIT_FILTERS)} /> : null}

      <AuditFilterForm key={key} values={filters} onApply={(values) => setFilters(values)} onClear={() => setFilters(AUDIT_FILTERS.defaults)} />

      {entries.error ? <ErrorNotice error={entries.error} /> : null}
      {selectedId ? <EntryDetail id={selectedId} onClose={() => select(undefined)} /> : null}
      <ListState
        loading={entries.loading}
        empty={entries.items.length === 0}
        emptyText={entries.error ? 'Entries could not be loaded.' : isFiltered(filters, AUDIT_FILTERS) ? 'No entry matches these filters.' : 'The audit log is empty.'}
      >
        <table className="table table-wide" data-testid="audit-entries">
          <caption>Entries, newest first{entries.loading ? ' (refreshing…)' : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Seq</th>
              <th scope="col">Time</th>
              <th scope="col">Action</th>
              <th scope="col">Outcome</th>
              <th scope="col">Actor</th>
              <th scope="col">Target</th>
              <th scope="col">Purpose</th>
              <th scope="col">
                <span className="visually-hidden">Details</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.items.map((entry) => (
              <tr key={entry.id} aria-current={entry.id === selectedId ? 'true' : undefined}>
                <td className="mono">{entry.seq}</td>
                <td>
                  <Time value={entry.occurredAt} />
                </td>
                <th scope="row" className="mono">
                  {entry.action}
                </th>
                <td>
                  <OutcomeBadge outcome={entry.outcome} />
                </td>
                <td>
                  <PrincipalId type={entry.actorType} id={entry.actorId} short />
                </td>
                <td className="mono">{entry.targetType ? `${entry.targetType}${entry.targetId ? ` ${shortId(entry.targetId)}` : ''}` : '—'}</td>
                <td>{entry.purpose ?? <span className="muted">—</span>}</td>
                <td>
                  <button type="button" className="button button-small" aria-label={`Details of entry ${entry.seq}`} onClick={() => select(entry.id)}>
                    Details
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListState>
      <LoadMore hasMore={entries.hasMore} loading={entries.loadingMore} onClick={entries.loadMore} />

      {canReadCheckpoints ? <Checkpoints /> : null}
    </section>
  );
}

function shortId(id: string): string {
  return id.length > 13 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

function OutcomeBadge({ outcome }: { outcome: string }) {
  return <span className={outcome === 'success' ? 'badge badge-ok' : outcome === 'denied' ? 'badge badge-wait' : 'badge badge-fail'}>{outcome}</span>;
}

function AuditFilterForm({
  values,
  onApply,
  onClear,
}: {
  values: FilterValues<AuditFilterKey>;
  onApply: (values: FilterValues<AuditFilterKey>) => void;
  onClear: () => void;
}) {
  const { draft, set, problems, submit } = useFilterDraft(values, { timeFields: ['from', 'to'], validate: auditFilterProblems, onApply });

  return (
    <FilterForm label="Filter audit entries" onSubmit={submit} onClear={onClear}>
      <Field id="audit-from" label="From" error={problems.from}>
        {(props) => <input {...props} type="datetime-local" value={draft.from} onChange={set('from')} />}
      </Field>
      <Field id="audit-to" label="To (before)" error={problems.to}>
        {(props) => <input {...props} type="datetime-local" value={draft.to} onChange={set('to')} />}
      </Field>
      <Field id="audit-action" label="Action starts with" error={problems.actionPrefix}>
        {(props) => <input {...props} placeholder="api_key." value={draft.actionPrefix} onChange={set('actionPrefix')} />}
      </Field>
      <Field id="audit-outcome" label="Outcome">
        {(props) => (
          <select {...props} value={draft.outcome} onChange={set('outcome')}>
            <option value="">Any outcome</option>
            {AUDIT_OUTCOMES.map((outcome) => (
              <option key={outcome} value={outcome}>
                {outcome}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="audit-actor-type" label="Actor type">
        {(props) => (
          <select {...props} value={draft.actorType} onChange={set('actorType')}>
            <option value="">Any actor</option>
            {AUDIT_ACTOR_TYPES.map((type) => (
              <option key={type} value={type}>
                {type.replace('_', ' ')}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="audit-actor" label="Actor id">
        {(props) => <input {...props} value={draft.actorId} onChange={set('actorId')} />}
      </Field>
      <Field id="audit-target-type" label="Target type">
        {(props) => <input {...props} placeholder="ApiKey" value={draft.targetType} onChange={set('targetType')} />}
      </Field>
      <Field id="audit-target" label="Target id">
        {(props) => <input {...props} value={draft.targetId} onChange={set('targetId')} />}
      </Field>
      <Field id="audit-purpose" label="Purpose">
        {(props) => <input {...props} value={draft.purpose} onChange={set('purpose')} />}
      </Field>
      <Field id="audit-request" label="Request id">
        {(props) => <input {...props} value={draft.requestId} onChange={set('requestId')} />}
      </Field>
    </FilterForm>
  );
}

function IntegrityAndExport({ canVerify, canExport, filter, filtered }: { canVerify: boolean; canExport: boolean; filter: ReturnType<typeof auditFilter>; filtered: boolean }) {
  const [verification, setVerification] = useState<AuditVerification>();
  const [verifying, setVerifying] = useState(false);
  const [exporting, setExporting] = useState<'ndjson' | 'csv'>();
  const [exported, setExported] = useState<string>();
  const [failure, setFailure] = useState<Error>();

  async function verify() {
    setVerifying(true);
    setFailure(undefined);
    setVerification(undefined);
    try {
      setVerification(await auditApi.verify());
    } catch (error) {
      setFailure(asError(error));
    } finally {
      setVerifying(false);
    }
  }

  async function download(format: 'ndjson' | 'csv') {
    setExporting(format);
    setFailure(undefined);
    setExported(undefined);
    try {
      const file = await auditApi.export(filter, format);
      const name = file.filename ?? exportFilename(format);
      const url = URL.createObjectURL(file.blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setExported(`Exported ${filtered ? 'the matching entries' : 'the whole log'} as ${name} (${formatBytes(file.blob.size)}). The export is itself recorded as audit.export.`);
    } catch (error) {
      setFailure(asError(error));
    } finally {
      setExporting(undefined);
    }
  }

  return (
    <div className="panel integrity" role="region" aria-labelledby="integrity-title">
      <h2 id="integrity-title">Integrity and export</h2>
      <div className="form-actions">
        {canVerify ? (
          <button type="button" className="button button-primary" disabled={verifying} onClick={verify}>
            {verifying ? 'Verifying…' : 'Verify integrity'}
          </button>
        ) : null}
        {canExport ? (
          <>
            <button type="button" className="button" disabled={exporting !== undefined} onClick={() => download('ndjson')}>
              {exporting === 'ndjson' ? 'Exporting…' : 'Export NDJSON'}
            </button>
            <button type="button" className="button" disabled={exporting !== undefined} onClick={() => download('csv')}>
              {exporting === 'csv' ? 'Exporting…' : 'Export CSV'}
            </button>
            <span className="muted">{filtered ? 'Exports the entries matching the filters below.' : 'Exports every entry.'}</span>
          </>
        ) : null}
      </div>
      {failure ? <ErrorNotice error={failure} /> : null}
      {exported ? <SuccessNotice>{exported}</SuccessNotice> : null}
      {verification ? (
        verification.ok ? (
          <div className="notice notice-ok" role="status" data-testid="verify-result">
            <strong>Integrity verified.</strong> {verification.checkedEntries} entries and {verification.checkedCheckpoints} signed checkpoints are intact
            {verification.verifiedThrough ? (
              <>
                {' '}
                through seq {verification.verifiedThrough.seq} (hash <span className="mono">{verification.verifiedThrough.hash.slice(0, 16)}…</span>)
              </>
            ) : null}
            .
          </div>
        ) : (
          <div className="notice notice-error" role="alert" data-testid="verify-result">
            <strong>Integrity check failed</strong> after {verification.checkedEntries} intact entries.
            {verification.firstProblem ? (
              <div>
                <span className="badge badge-fail">{verification.firstProblem.kind.replace('_', ' ')}</span> at seq {verification.firstProblem.seq}:{' '}
                {verification.firstProblem.message}
              </div>
            ) : null}
            <div className="muted">Keep the database as it is and escalate: this is evidence.</div>
          </div>
        )
      ) : null}
    </div>
  );
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function EntryDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const entry = useLoad(() => auditApi.entry(id), id);
  const data: AuditEntry | undefined = entry.data?.id === id ? entry.data : undefined;
  useEffect(() => {
    document.getElementById('entry-title')?.focus();
  }, [data]);
  return (
    <div className="panel entry-detail" role="region" aria-labelledby="entry-title">
      <div className="panel-head">
        <h2 id="entry-title" tabIndex={-1}>
          {data ? `Entry ${data.seq}: ${data.action}` : 'Entry'}
        </h2>
        <button type="button" className="button button-small" onClick={onClose}>
          Close
        </button>
      </div>
      {entry.error ? <ErrorNotice error={entry.error} /> : null}
      {data ? (
        <>
          <dl className="facts facts-wide">
            <dt>Id</dt>
            <dd className="mono">{data.id}</dd>
            <dt>Occurred</dt>
            <dd>
              <Time value={data.occurredAt} />
            </dd>
            <dt>Outcome</dt>
            <dd>
              <OutcomeBadge outcome={data.outcome} />
              {data.reason ? ` ${data.reason}` : ''}
            </dd>
            <dt>Actor</dt>
            <dd>
              <PrincipalId type={data.actorType} id={data.actorId} /> <span className="mono muted">{data.actorType}:{data.actorId}</span>
              {data.onBehalfOfType && data.onBehalfOfId ? (
                <div>
                  for <PrincipalId type={data.onBehalfOfType} id={data.onBehalfOfId} />
                </div>
              ) : null}
            </dd>
            <dt>Target</dt>
            <dd className="mono">{data.targetType ? `${data.targetType}${data.targetId ? `:${data.targetId}` : ''}` : '—'}</dd>
            <dt>Purpose</dt>
            <dd>{data.purpose ?? '—'}</dd>
            <dt>Approval</dt>
            <dd className="mono">{data.approvalId ?? '—'}</dd>
            <dt>Request id</dt>
            <dd className="mono">{data.requestId ?? '—'}</dd>
            <dt>Trace id</dt>
            <dd className="mono">{data.traceId ?? '—'}</dd>
            <dt>IP</dt>
            <dd className="mono">{data.ip ?? '—'}</dd>
            <dt>Previous hash</dt>
            <dd className="mono break">{data.prevHash}</dd>
            <dt>Hash</dt>
            <dd className="mono break">{data.hash}</dd>
          </dl>
          <h3>Details</h3>
          {data.details ? <pre className="code">{JSON.stringify(data.details, null, 2)}</pre> : <p className="muted">None.</p>}
        </>
      ) : entry.loading ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : null}
    </div>
  );
}

function Checkpoints() {
  const [open, setOpen] = useState(false);
  const checkpoints = useLoad(() => (open ? auditApi.checkpoints() : Promise.resolve(undefined)), String(open));
  return (
    <details className="panel" onToggle={(event) => setOpen((event.target as HTMLDetailsElement).open)}>
      <summary>
        <strong>Signed checkpoints</strong> <span className="muted">Ed25519 signatures over the chain head, newest first</span>
      </summary>
      {checkpoints.error ? <ErrorNotice error={checkpoints.error} /> : null}
      {open ? (
        <ListState loading={checkpoints.loading} empty={(checkpoints.data?.items ?? []).length === 0} emptyText="No checkpoint yet: the platform signs one periodically.">
          <table className="table table-compact">
            <caption className="visually-hidden">Signed checkpoints</caption>
            <TableHead columns={['Seq', 'Hash', 'Key', 'Signed']} />
            <tbody>
              {(checkpoints.data?.items ?? []).map((checkpoint) => (
                <tr key={checkpoint.id}>
                  <td className="mono">{checkpoint.seq}</td>
                  <td className="mono" title={checkpoint.hash}>
                    {checkpoint.hash.slice(0, 24)}…
                  </td>
                  <td className="mono">{checkpoint.keyId}</td>
                  <td>
                    <Time value={checkpoint.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ListState>
      ) : null}
    </details>
  );
}
