export function StatusBadge({ ok, okText = 'ok', failText = 'failing' }: { ok: boolean; okText?: string; failText?: string }) {
  return <span className={ok ? 'badge badge-ok' : 'badge badge-fail'}>{ok ? okText : failText}</span>;
}
