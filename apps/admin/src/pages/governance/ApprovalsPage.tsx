import { Link } from 'react-router';
import { APPROVAL_STATUSES, approvalsApi } from '../../api/approvals';
import { APPROVAL_FILTERS, approvalQuery, type ApprovalView } from '../../app/approvals-view';
import { usePagedList } from '../../app/use-paged-list';
import { useUrlFilters } from '../../app/use-url-filters';
import { ApprovalStatusBadge } from '../../components/ApprovalStatusBadge';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ListState, LoadMore } from '../../components/ListState';
import { PrincipalId } from '../../components/PrincipalId';
import { Time } from '../../components/Time';
import { TableHead } from '../../components/TableHead';

const VIEWS: Array<{ value: ApprovalView; label: string; empty: string }> = [
  { value: 'for-me', label: 'Waiting for my decision', empty: 'Nothing is waiting for your decision.' },
  { value: 'mine', label: 'Requested by me', empty: 'You have not requested any approval.' },
  { value: 'all', label: 'All requests', empty: 'No approval requests.' },
];

/** The approvals inbox: what waits for the caller, what it asked for, and everything it may read, by status. */
export function ApprovalsPage() {
  const { filters, setFilters, key } = useUrlFilters(APPROVAL_FILTERS);
  const list = usePagedList((cursor) => approvalsApi.list({ ...approvalQuery(filters), cursor }), key);
  const view = VIEWS.find((candidate) => candidate.value === filters.view) ?? VIEWS[0];

  return (
    <section>
      <h1>Approvals</h1>
      <p className="lead">
        Actions that need a second person. The requester never decides their own request; one rejection vetoes it; a request expires if nobody decides in
        time.
      </p>

      <div className="tabs" role="tablist" aria-label="Inbox">
        {VIEWS.map((candidate) => (
          <button
            key={candidate.value}
            type="button"
            role="tab"
            aria-selected={filters.view === candidate.value}
            className={filters.view === candidate.value ? 'tab active' : 'tab'}
            onClick={() => setFilters({ view: candidate.value, status: candidate.value === 'for-me' ? '' : filters.status })}
          >
            {candidate.label}
          </button>
        ))}
      </div>

      <div className="toolbar" role="group" aria-label="Filters">
        <label htmlFor="approval-status">Status</label>
        <select
          id="approval-status"
          value={filters.status}
          disabled={filters.view === 'for-me'}
          title={filters.view === 'for-me' ? 'Only pending requests wait for a decision.' : undefined}
          onChange={(event) => setFilters({ status: event.target.value })}
        >
          <option value="">Any status</option>
          {APPROVAL_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
        <button type="button" className="button button-small" onClick={list.reload}>
          Refresh
        </button>
      </div>

      {list.error ? <ErrorNotice error={list.error} /> : null}
      <ListState loading={list.loading} empty={list.items.length === 0} emptyText={list.error ? 'Approvals could not be loaded.' : filters.status ? `No ${filters.status} requests here.` : view.empty}>
        <table className="table table-wide">
          <caption>{view.label}</caption>
          <TableHead columns={['Request', 'Action', 'Requested by', 'Approvers', 'Status', 'Requested', 'Expires / decided']} />
          <tbody>
            {list.items.map((item) => (
              <tr key={item.id}>
                <th scope="row">
                  <Link to={`/governance/approvals/${item.id}`}>{item.summary}</Link>
                </th>
                <td className="mono">
                  {item.action}
                  <div className="muted">
                    {item.subjectType}
                    {item.subjectId ? ` ${item.subjectId}` : ''}
                  </div>
                </td>
                <td>
                  <PrincipalId {...item.requester} short />
                  {item.onBehalfOf ? (
                    <div className="muted">
                      for <PrincipalId {...item.onBehalfOf} short />
                    </div>
                  ) : null}
                </td>
                <td>
                  {[...item.approverRoles.map((role) => `role ${role}`), ...(item.approverUserIds.length ? [`${item.approverUserIds.length} named`] : [])].join(', ')}
                  <div className="muted">quorum {item.quorum}</div>
                </td>
                <td>
                  <ApprovalStatusBadge status={item.status} />
                </td>
                <td>
                  <Time value={item.createdAt} />
                </td>
                <td>{item.status === 'pending' ? <Time value={item.expiresAt} /> : <Time value={item.decidedAt ?? item.executedAt} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListState>
      <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={list.loadMore} />
    </section>
  );
}
