/**
 * Filters of list pages live in the URL query string, so a filtered view can be shared and
 * survives a reload. A page declares its filters with their defaults (and, for a select, the
 * values it accepts); anything else in the URL is ignored, and defaults are left out of it.
 */
export type FilterValues<K extends string> = Record<K, string>;

export interface FilterSpec<K extends string> {
  defaults: FilterValues<K>;
  /** The values a filter accepts; another value in the URL falls back to the default. */
  allowed?: Partial<Record<K, readonly string[]>>;
}

export function readFilters<K extends string>(params: URLSearchParams, spec: FilterSpec<K>): FilterValues<K> {
  const values = { ...spec.defaults };
  for (const key of Object.keys(spec.defaults) as K[]) {
    const raw = params.get(key);
    if (raw === null) continue;
    const value = raw.trim();
    const allowed = spec.allowed?.[key];
    values[key] = allowed && !allowed.includes(value) ? spec.defaults[key] : value;
  }
  return values;
}

/** The query string of `values`: only filters that differ from their default, in declaration order. */
export function writeFilters<K extends string>(values: FilterValues<K>, spec: FilterSpec<K>): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of Object.keys(spec.defaults) as K[]) {
    const value = (values[key] ?? '').trim();
    if (value !== spec.defaults[key]) params.set(key, value);
  }
  return params;
}

/** True when any filter differs from its default (to offer "Clear filters"). */
export function isFiltered<K extends string>(values: FilterValues<K>, spec: FilterSpec<K>): boolean {
  return (Object.keys(spec.defaults) as K[]).some((key) => (values[key] ?? '') !== spec.defaults[key]);
}

/**
 * `<input type="datetime-local">` speaks local wall-clock time without a zone; the URL and the API
 * carry an ISO instant, so a shared link means the same moment in every time zone.
 */
export function localInputToIso(local: string): string {
  if (!local) return '';
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

export function isoToLocalInput(iso: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
