import { useState, type FormEvent } from 'react';
import { isoToLocalInput, localInputToIso, type FilterValues } from './url-filters';

export interface FilterDraftOptions<K extends string> {
  /** Fields edited as local wall-clock time (datetime-local) while the URL keeps ISO instants. */
  timeFields?: readonly K[];
  /** Problems per field of the values about to be applied; any problem stops the apply. */
  validate?: (next: FilterValues<K>) => Partial<Record<K, string>>;
  onApply: (next: FilterValues<K>) => void;
}

/**
 * The editing state of a list page's filter form: a draft of the URL's filter values, applied
 * (trimmed, times back to ISO, validated) on submit. Shared by the audit log, decisions and
 * data-access pages so their forms behave the same.
 */
export function useFilterDraft<K extends string>(values: FilterValues<K>, options: FilterDraftOptions<K>) {
  const timeFields = options.timeFields ?? [];
  const [draft, setDraft] = useState<FilterValues<K>>(() => convertTimes(values, timeFields, isoToLocalInput));
  const [problems, setProblems] = useState<Partial<Record<K, string>>>({});

  const set = (field: K) => (event: { target: { value: string } }) => setDraft((current) => ({ ...current, [field]: event.target.value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = Object.fromEntries(Object.entries(draft).map(([field, value]) => [field, String(value).trim()])) as FilterValues<K>;
    const next = convertTimes(trimmed, timeFields, localInputToIso);
    const found = options.validate?.(next) ?? {};
    setProblems(found);
    if (Object.keys(found).length === 0) options.onApply(next);
  }

  return { draft, set, problems, submit };
}

function convertTimes<K extends string>(values: FilterValues<K>, fields: readonly K[], convert: (value: string) => string): FilterValues<K> {
  const out = { ...values };
  for (const field of fields) out[field] = convert(values[field]);
  return out;
}
