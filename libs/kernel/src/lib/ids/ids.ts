import { v7 as uuidv7, validate, version } from 'uuid';

/**
 * A new id: a UUIDv7, so ids sort by creation time (good B-tree locality in PostgreSQL `uuid`
 * columns, and cursor paging by id follows insertion order) while staying unguessable.
 */
export function newId(): string {
  return uuidv7();
}

/** True for a UUID of any version; routes use it to answer 404 rather than a database cast error. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && validate(value);
}

/** The creation time encoded in a UUIDv7 (milliseconds since the epoch). */
export function idTimestamp(id: string): Date {
  if (!isUuid(id) || version(id) !== 7) throw new TypeError(`Not a UUIDv7: ${id}`);
  return new Date(parseInt(id.replace(/-/g, '').slice(0, 12), 16));
}
