import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { readFilters, writeFilters, type FilterSpec, type FilterValues } from './url-filters';

/** A page's filters, read from and written to the URL query string (see url-filters.ts). */
export function useUrlFilters<K extends string>(spec: FilterSpec<K>) {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params, spec), [params, spec]);
  const setFilters = useCallback(
    (next: Partial<FilterValues<K>>, extra: Record<string, string> = {}) => {
      const written = writeFilters({ ...filters, ...next }, spec);
      for (const [key, value] of Object.entries(extra)) if (value) written.set(key, value);
      setParams(written);
    },
    [filters, spec, setParams],
  );
  /** Filters as a stable string: the key that reloads a list when they change. */
  const key = useMemo(() => writeFilters(filters, spec).toString(), [filters, spec]);
  return { filters, setFilters, key, params, setParams };
}
