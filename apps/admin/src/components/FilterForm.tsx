import type { FormEvent, ReactNode } from 'react';

/**
 * The filter bar of the paged list pages: a search landmark named by `label`, a grid of fields,
 * then "Apply filters" (submits) and "Clear filters".
 */
export function FilterForm({ label, onSubmit, onClear, children }: { label: string; onSubmit: (event: FormEvent) => void; onClear: () => void; children: ReactNode }) {
  return (
    <form className="panel form filters" role="search" aria-label={label} onSubmit={onSubmit} noValidate>
      <div className="filter-grid">{children}</div>
      <div className="form-actions">
        <button type="submit" className="button button-primary">
          Apply filters
        </button>
        <button type="button" className="button" onClick={onClear}>
          Clear filters
        </button>
      </div>
    </form>
  );
}
