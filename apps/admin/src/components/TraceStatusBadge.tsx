import type { TraceStatus } from '../api/observability';

/** A trace's or a span's status: `error` in red, `ok` in green, `unset` (no span said) neutral. */
export function TraceStatusBadge({ status }: { status: TraceStatus }) {
  return <span className={status === 'error' ? 'badge badge-fail' : status === 'ok' ? 'badge badge-ok' : 'badge badge-neutral'}>{status}</span>;
}
