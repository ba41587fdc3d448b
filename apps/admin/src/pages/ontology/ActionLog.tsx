import { useState } from 'react';
import { Link } from 'react-router';
import { ontologyActionsApi, type ActionLogEntry } from '../../api/ontology-actions';
import { useMe } from '../../app/me-context';
import { ONTOLOGY_SUBJECTS } from '../../app/ontology-subjects';
import type { PagedList } from '../../app/use-paged-list';
import { asError } from '../../app/use-load';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ListState, LoadMore, SuccessNotice } from '../../components/ListState';
import { PrincipalId } from '../../components/PrincipalId';
import { Time } from '../../components/Time';
import { ActionChanges } from './ActionChanges';
import { OntologyErrorNotice } from './OntologyErrorNotice';

const STATUS_BADGE: Record<string, string> = {
  applied: 'badge badge-ok',
  awaiting_approval: 'badge badge-wait',
  reverted: 'badge badge-neutral',
  failed: 'badge badge-fail',
  rejected: 'badge badge-fail',
  expired: 'badge badge-neutral',
  cancelled: 'badge badge-neutral',
};

/** The action log: who ran what with which exact inputs, what it changed, and revert where the effects allow it. */
export function ActionLog({ log, showType = true, highlight }: { log: PagedList<ActionLogEntry>; showType?: boolean; highlight?: string }) {
  const { permissions } = useMe();
  const [done, setDone] = useState<string>();
  const [failure, setFailure] = useState<Error>();
  return (
    <>
      {done ? <SuccessNotice>{done}</SuccessNotice> : null}
      {failure ? <OntologyErrorNotice error={failure} title="Not reverted." /> : null}
      {log.error ? <OntologyErrorNotice error={log.error} /> : null}
      <ListState loading={log.loading} empty={log.items.length === 0} emptyText={log.error ? 'The action log could not be loaded.' : 'No action has run yet.'}>
        <table className="table table-wide" data-testid="action-log">
          <caption>Action log, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              {showType ? <th scope="col">Action</th> : null}
              <th scope="col">Status</th>
              <th scope="col">By</th>
              <th scope="col">Inputs</th>
              <th scope="col">Changes</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {log.items.map((entry) => {
              const revertible = entry.status === 'applied' && !entry.revertedById && !entry.revertOfId;
              const allowed = permissions.can('revert', ONTOLOGY_SUBJECTS.action, { id: entry.id, actionTypeApiName: entry.actionType.apiName, actorId: entry.actor.id, status: entry.status });
              return (
                <tr key={entry.id} aria-current={highlight === entry.id ? 'true' : undefined}>
                  <td>
                    <Time value={entry.appliedAt ?? entry.createdAt} />
                  </td>
                  {showType ? (
                    <th scope="row">
                      <Link to={`/ontology/action-types/${entry.actionType.id}`}>{entry.actionType.apiName}</Link>{' '}
                      <span className="muted">v{entry.actionType.version}</span>
                    </th>
                  ) : null}
                  <td>
                    <span className={STATUS_BADGE[entry.status] ?? 'badge'}>{entry.status.replace('_', ' ')}</span>
                    {entry.approvalId ? (
                      <div>
                        <Link to={`/governance/approvals/${entry.approvalId}`}>approval</Link>
                      </div>
                    ) : null}
                    {entry.revertOfId ? <div className="muted">reverts {entry.revertOfId.slice(0, 8)}</div> : null}
                    {entry.error?.message ? <div className="text-fail">{entry.error.message}</div> : null}
                  </td>
                  <td>
                    <PrincipalId type={entry.actor.type} id={entry.actor.id} short />
                  </td>
                  <td>
                    <code className="break">{JSON.stringify(entry.parameters)}</code>
                  </td>
                  <td>
                    <ActionChanges changes={entry.changes ?? []} />
                  </td>
                  <td className="actions">
                    {revertible && allowed ? (
                      <ConfirmButton
                        label="Revert"
                        confirmLabel="Revert it"
                        question="Undo the changes this action made?"
                        onConfirm={async () => {
                          setDone(undefined);
                          setFailure(undefined);
                          try {
                            const revert = await ontologyActionsApi.revert(entry.id);
                            setDone(`Reverted: ${revert.changes?.length ?? 0} change${revert.changes?.length === 1 ? '' : 's'} undone.`);
                            log.reload();
                          } catch (error) {
                            setFailure(asError(error));
                          }
                        }}
                      />
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ListState>
      <LoadMore hasMore={log.hasMore} loading={log.loadingMore} onClick={log.loadMore} />
    </>
  );
}
