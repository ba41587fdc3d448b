import { z } from 'zod';

/** Cursor paging shared by list routes: ids are UUIDv7, so "after this id" is a stable order. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional(),
});

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function pageOf<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  return { items: rows, nextCursor: rows.length === limit ? (rows.at(-1)?.id ?? null) : null };
}
