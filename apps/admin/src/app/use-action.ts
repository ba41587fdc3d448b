import { useCallback, useState } from 'react';
import { asError } from './use-load';

/** A page's actions (row buttons, inline edits): the message of the last one that worked, or its error. */
export function useAction() {
  const [error, setError] = useState<Error>();
  const [done, setDone] = useState<string>();
  const run = useCallback(async (action: () => Promise<string>) => {
    setError(undefined);
    setDone(undefined);
    try {
      setDone(await action());
    } catch (failure) {
      setError(asError(failure));
    }
  }, []);
  return { error, done, run, setDone, setError };
}
