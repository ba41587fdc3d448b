import { Link } from 'react-router';
import type { ActionChange } from '../../api/ontology-actions';
import { changedValues } from '../../app/ontology-action-form';
import { displayValue } from '../../app/ontology-properties';

/** The object and link changes an action made: what, which one, and the values before and after. */
export function ActionChanges({ changes }: { changes: ActionChange[] }) {
  if (!changes.length) return <span className="muted">no object or link changed</span>;
  return (
    <ul className="plain-list action-changes">
      {changes.map((change, index) => (
        <li key={`${change.id}-${index}`}>
          <span className="mono">
            {change.kind} {change.op}
          </span>{' '}
          {change.kind === 'object' ? (
            <Link to={`/ontology/objects/${change.id}`}>
              {change.typeApiName ?? 'object'} {titleOf(change) ?? change.id.slice(0, 8)}
            </Link>
          ) : (
            <span>
              {change.linkTypeApiName ?? 'link'} <span className="mono">{change.id.slice(0, 8)}</span>
            </span>
          )}
          {changedValues(change).length ? (
            <ul className="plain-list">
              {changedValues(change).map(([name, before, after]) => (
                <li key={name}>
                  <span className="mono">{name}</span>: {displayValue(before)} → {displayValue(after)}
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function titleOf(change: ActionChange): string | undefined {
  const state = change.after ?? change.before;
  return typeof state?.['title'] === 'string' ? state['title'] : undefined;
}
