import type { ApprovalStatus } from '../api/approvals';

export function ApprovalStatusBadge({ status }: { status: ApprovalStatus }) {
  const tone = status === 'pending' ? 'badge-wait' : status === 'approved' || status === 'executed' ? 'badge-ok' : 'badge-fail';
  return <span className={`badge ${tone}`}>{status}</span>;
}
