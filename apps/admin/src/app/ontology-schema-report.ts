/** Reading a schema validation report: what blocks the change, and the report a refusal carries. */
import { ApiError } from '../api/api-client';
import type { ChangeFinding, SchemaValidationReport } from '../api/ontology-schema';

export interface ReportSummary {
  /** Findings that make the change invalid in itself. */
  errors: number;
  /** Findings where existing data contradicts the change. */
  breaking: number;
  /** What the change will do. */
  info: number;
  /** Nothing blocks it. */
  applicable: boolean;
}

export function summarizeReport(report: SchemaValidationReport): ReportSummary {
  const findings = report.changes.flatMap((change) => change.findings);
  const count = (severity: ChangeFinding['severity']) => findings.filter((finding) => finding.severity === severity).length;
  return { errors: count('error'), breaking: count('breaking'), info: count('info'), applicable: report.valid };
}

/** The headline of a report. */
export function reportHeadline(report: SchemaValidationReport): string {
  const summary = summarizeReport(report);
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  if (summary.breaking) return `Breaking change refused: ${plural(summary.breaking, 'problem')} with existing data`;
  if (summary.errors) return `The change is not valid: ${plural(summary.errors, 'problem')}`;
  if (!report.valid) return 'The change is not valid';
  return `Safe to apply: ${plural(report.changes.length, 'change')}, nothing breaks`;
}

/** A finding's affected data, e.g. `3 objects affected, e.g. "x", "y"`. */
export function affectedText(finding: ChangeFinding): string | undefined {
  if (!finding.affected) return undefined;
  const { count, sampleValues } = finding.affected;
  const samples = (sampleValues ?? []).slice(0, 3).map((value) => JSON.stringify(value));
  return `${count} object${count === 1 ? '' : 's'} affected${samples.length ? `, e.g. ${samples.join(', ')}` : ''}`;
}

/** The report a refused change (409 `ontology.schema_change_rejected`) carries in its details. */
export function reportOfRefusal(error: unknown): SchemaValidationReport | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const report = (error.details as { report?: unknown } | undefined)?.report as SchemaValidationReport | undefined;
  return report && Array.isArray(report.changes) ? report : undefined;
}
