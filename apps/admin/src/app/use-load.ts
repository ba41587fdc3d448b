import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
  /** Replaces the value after a mutation answered with the new state (no second round trip). */
  setData: (update: (current: T | undefined) => T | undefined) => void;
}

/**
 * Loads `load()` when the component mounts and whenever `key` changes (the filters it depends on,
 * serialised). An answer to an older key is dropped, so a slow response never overwrites a newer view.
 */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [data, setDataState] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(() => {
    const current = ++generation.current;
    setLoading(true);
    loadRef.current().then(
      (value) => {
        if (current !== generation.current) return;
        setDataState(value);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (current !== generation.current) return;
        setError(asError(failure));
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    reload();
  }, [reload, key]);

  const setData = useCallback((update: (current: T | undefined) => T | undefined) => setDataState(update), []);
  return { data, error, loading, reload, setData };
}

export function asError(failure: unknown): Error {
  return failure instanceof Error ? failure : new Error(String(failure));
}
