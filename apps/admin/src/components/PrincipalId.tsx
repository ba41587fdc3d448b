import { usePrincipalNames } from '../app/principal-names';

const TYPE_LABEL: Record<string, string> = { service_account: 'service account', user: 'user', agent: 'agent', system: 'system' };

/**
 * A principal: its name when the tenant knows it (service accounts, members), else its id; the
 * exact `type:id` (the form audit entries and decisions use) is in the tooltip.
 */
export function PrincipalId({ type, id, short = false }: { type: string; id: string; short?: boolean }) {
  const name = usePrincipalNames().get(`${type}:${id}`);
  const label = TYPE_LABEL[type] ?? type;
  return (
    <span title={`${type}:${id}`}>
      {label}{' '}
      {name ? <span className="principal-name">{name}</span> : <span className="mono">{short && id.length > 13 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id}</span>}
    </span>
  );
}

/** A principal stored as one `type:id` string (a policy version's `createdById`). */
export function PrincipalRef({ value }: { value: string | null }) {
  const separator = value?.indexOf(':') ?? -1;
  if (!value || separator <= 0) return <span className="mono">{value ?? '—'}</span>;
  return <PrincipalId type={value.slice(0, separator)} id={value.slice(separator + 1)} short />;
}
