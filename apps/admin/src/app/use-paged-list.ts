import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '../api/api-client';
import { asError } from './use-load';

export interface PagedList<T> {
  items: T[];
  error: Error | undefined;
  /** The first page is loading (for a new key or a reload). */
  loading: boolean;
  loadingMore: boolean;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
  /** Puts an item changed by a mutation in place (or first, when new). */
  upsert: (item: T) => void;
  remove: (id: string) => void;
}

/**
 * A cursor-paged list: the first page for `key` (the filters, serialised), then "load more"
 * appends the next page. A new key starts over; answers for an older key are dropped.
 */
export function usePagedList<T extends { id: string }>(loadPage: (cursor?: string) => Promise<Page<T>>, key: string): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [cursor, setCursor] = useState<string | null>(null);
  const generation = useRef(0);
  const loadRef = useRef(loadPage);
  loadRef.current = loadPage;

  const reload = useCallback(() => {
    const current = ++generation.current;
    setLoading(true);
    loadRef.current(undefined).then(
      (page) => {
        if (current !== generation.current) return;
        setItems(page.items);
        setCursor(page.nextCursor);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (current !== generation.current) return;
        setItems([]);
        setCursor(null);
        setError(asError(failure));
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    reload();
  }, [reload, key]);

  const loadMore = useCallback(() => {
    if (!cursor) return;
    const current = generation.current;
    setLoadingMore(true);
    loadRef.current(cursor).then(
      (page) => {
        if (current !== generation.current) return;
        setItems((existing) => [...existing, ...page.items.filter((item) => !existing.some((known) => known.id === item.id))]);
        setCursor(page.nextCursor);
        setError(undefined);
        setLoadingMore(false);
      },
      (failure: unknown) => {
        if (current !== generation.current) return;
        setError(asError(failure));
        setLoadingMore(false);
      },
    );
  }, [cursor]);

  const upsert = useCallback((item: T) => {
    setItems((existing) => (existing.some((known) => known.id === item.id) ? existing.map((known) => (known.id === item.id ? item : known)) : [item, ...existing]));
  }, []);
  const remove = useCallback((id: string) => setItems((existing) => existing.filter((item) => item.id !== id)), []);

  return { items, error, loading, loadingMore, hasMore: cursor !== null, loadMore, reload, upsert, remove };
}
