/** The import panel: the request for what was pasted, and the report a refused import carries. */
import { ApiError } from '../api/api-client';
import type { ImportReport, ImportRequest } from '../api/ontology-objects';

export type BuiltImport = { ok: true; request: ImportRequest } | { ok: false; problem: string };

/** JSON: an array of objects (property api names as keys); CSV: a header row of property api names. */
export function buildImport(typeApiName: string, format: 'json' | 'csv', mode: 'create' | 'upsert', text: string): BuiltImport {
  if (!text.trim()) return { ok: false, problem: format === 'csv' ? 'Paste CSV text: a header row of property api names, then one row per object.' : 'Paste a JSON array of objects.' };
  if (format === 'csv') return { ok: true, request: { typeApiName, format, mode, csv: text } };
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `Not valid JSON: ${(error as Error).message}` };
  }
  if (!Array.isArray(rows) || !rows.every((row) => row && typeof row === 'object' && !Array.isArray(row))) {
    return { ok: false, problem: 'Paste a JSON array of objects, e.g. [{"orderId": "O-9", "status": "open"}].' };
  }
  return { ok: true, request: { typeApiName, format, mode, rows: rows as Array<Record<string, unknown>> } };
}

/** The report of a refused import (409 `ontology.import_rejected`). */
export function importReportOfRefusal(error: unknown): ImportReport | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const report = (error.details as { report?: unknown } | undefined)?.report as ImportReport | undefined;
  return report && Array.isArray(report.errors) ? report : undefined;
}

export function importSummary(report: ImportReport): string {
  const counts = `${report.rows} row${report.rows === 1 ? '' : 's'}: ${report.created} to create, ${report.updated} to update, ${report.unchanged} unchanged, ${report.failed} invalid`;
  if (report.failed) return `${report.dryRun ? 'Dry run' : 'Import refused'}: ${counts}. Nothing was imported; fix the rows below.`;
  if (report.dryRun) return `Dry run passed: ${counts}. Nothing was written yet.`;
  return `Imported: ${report.rows} row${report.rows === 1 ? '' : 's'} (${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged).`;
}
