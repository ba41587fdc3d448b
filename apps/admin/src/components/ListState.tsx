import type { ReactNode } from 'react';

/** Loading, then the list, or what to say when it is empty. */
export function ListState({ loading, empty, emptyText, children }: { loading: boolean; empty: boolean; emptyText: ReactNode; children: ReactNode }) {
  if (loading && empty) {
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  }
  if (empty) return <p className="empty">{emptyText}</p>;
  return <>{children}</>;
}

export function LoadMore({ hasMore, loading, onClick }: { hasMore: boolean; loading: boolean; onClick: () => void }) {
  if (!hasMore) return null;
  return (
    <button type="button" className="button" disabled={loading} onClick={onClick}>
      {loading ? 'Loading…' : 'Load more'}
    </button>
  );
}

/** A success message, announced to screen readers. */
export function SuccessNotice({ children }: { children: ReactNode }) {
  return (
    <div className="notice notice-ok" role="status">
      {children}
    </div>
  );
}
