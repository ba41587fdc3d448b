import { Injectable } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { AuditLog, AuthorizationService, MutationRunner } from '@strata/governance';
import { OntologyEvents } from '../events/ontology-events';
import { primaryKeyText } from '../objects/object-record';
import { BulkObjectWriter } from '../objects/bulk-object-writer';
import { authorizationRecord as objectAuthorizationRecord } from '../objects/objects.service';
import type { ObjectTypeRecord } from '../schema/property-definition';
import { valueFromText, type FieldError } from '../schema/property-validation';
import { UnknownObjectTypeError } from '../schema/schema.errors';
import { SchemaRepository } from '../schema/schema.repository';
import { ImportRejectedError, ImportUnreadableError } from './import.errors';

/** Explicit ceilings of one import request (the body is also bounded by STRATA_BODY_LIMIT). */
export const IMPORT_LIMITS = {
  rows: 10_000,
  csvColumns: 200,
  /** Rows with errors listed in a report; the count stays exact. */
  reportedRowErrors: 1_000,
  transactionTimeoutMs: 120_000,
  /** How long an import waits for the tenant's write lock. */
  lockWaitMs: 30_000,
} as const;

export interface ImportRequest {
  typeApiName: string;
  /** `create`: every row is a new object. `upsert`: a row whose primary key matches a live object updates it. */
  mode: 'create' | 'upsert';
  format: 'json' | 'csv';
  rows?: Record<string, unknown>[];
  csv?: string;
}

export interface ImportRowError {
  /** 1-based data row (CSV: the header is not counted; the file line is `line`). */
  row: number;
  line?: number;
  primaryKeyValue?: string;
  errors: FieldError[] | { path: string; code: string; message: string }[];
}

export interface ImportReport {
  dryRun: boolean;
  committed: boolean;
  typeApiName: string;
  mode: 'create' | 'upsert';
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: ImportRowError[];
  errorsTruncated: boolean;
}

class DryRunRollback extends Error {}

/**
 * Bulk import of objects of one type from JSON rows or CSV text. All or nothing: every row is
 * validated, then all are written in one transaction through the {@link BulkObjectWriter} (the
 * object writer's validation, history and events, in multi-row statements); if any row fails,
 * nothing is written and the report lists each failing row. A dry run does the same work and
 * rolls it back, so its report is exactly what a commit would meet.
 */
@Injectable()
export class ImportService {
  constructor(
    private readonly schema: SchemaRepository,
    private readonly bulk: BulkObjectWriter,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly runner: MutationRunner,
    private readonly events: OntologyEvents,
  ) {}

  async import(request: ImportRequest, dryRun: boolean): Promise<ImportReport> {
    const type = await this.schema.objectType(request.typeApiName);
    if (!type) throw new UnknownObjectTypeError(request.typeApiName);
    await this.authorization.authorize('create', 'OntologyObject', { typeApiName: type.apiName });
    if (request.mode === 'upsert') await this.authorization.authorize('update', 'OntologyObject', { typeApiName: type.apiName });
    const rows = request.format === 'csv' ? csvRows(request.csv ?? '', type) : (request.rows ?? []);
    if (rows.length > IMPORT_LIMITS.rows) throw new ImportUnreadableError(`At most ${IMPORT_LIMITS.rows} rows per import; split the file.`);
    const lineOffset = request.format === 'csv' ? 1 : 0;

    const report: ImportReport = {
      dryRun,
      committed: false,
      typeApiName: type.apiName,
      mode: request.mode,
      rows: rows.length,
      created: 0,
      updated: 0,
      unchanged: 0,
      failed: 0,
      errors: [],
      errorsTruncated: false,
    };
    try {
      await this.runner.run(
        'ontology.import',
        async (tx) => {
        await this.events.lock(tx, IMPORT_LIMITS.lockWaitMs);
        const { outcomes } = await this.bulk.write(tx, {
          typeApiName: type.apiName,
          mode: request.mode,
          rows,
          // Checked without storing a decision: a write outside this transaction would wait for it on the embedded database.
          mayUpdate: (existing) => this.authorization.can('update', 'OntologyObject', objectAuthorizationRecord(existing)),
          denied: (existing) => ({ path: '', code: 'ontology.row_not_permitted', message: `The caller may not update ${type.apiName} ${existing.primaryKeyValue}.` }),
        });
        for (const [index, outcome] of outcomes.entries()) {
          if (outcome.kind !== 'failed') {
            report[outcome.kind] += 1;
            continue;
          }
          report.failed += 1;
          if (report.errors.length >= IMPORT_LIMITS.reportedRowErrors) {
            report.errorsTruncated = true;
            continue;
          }
          const pk = (rows[index] as Record<string, unknown>)[type.primaryKey];
          report.errors.push({
            row: index + 1,
            ...(lineOffset ? { line: index + 1 + lineOffset } : {}),
            ...(pk === undefined || pk === null ? {} : { primaryKeyValue: primaryKeyText(pk).slice(0, 200) }),
            errors: outcome.errors,
          });
        }
        if (dryRun || report.failed) throw new DryRunRollback();
        await this.audit.append(
          {
            action: 'ontology.import',
            outcome: 'success',
            target: { type: 'OntologyObjectType', id: type.id },
            details: { typeApiName: type.apiName, format: request.format, mode: request.mode, rows: rows.length, created: report.created, updated: report.updated },
          },
          tx,
        );
        },
        { timeoutMs: IMPORT_LIMITS.transactionTimeoutMs },
      );
      report.committed = true;
    } catch (error) {
      if (!(error instanceof DryRunRollback)) throw error;
      // Rolled back on purpose: a dry run, or a commit with failing rows.
      report.created = dryRun ? report.created : 0;
      report.updated = dryRun ? report.updated : 0;
      if (!dryRun) throw new ImportRejectedError(report, report.failed);
    }
    return report;
  }
}

/** CSV with a header row of property apiNames; cells converted to the properties' types (empty = absent). */
function csvRows(text: string, type: ObjectTypeRecord): Record<string, unknown>[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, {
      columns: (header: string[]) => {
        if (header.length > IMPORT_LIMITS.csvColumns) throw new ImportUnreadableError(`At most ${IMPORT_LIMITS.csvColumns} columns.`);
        return header.map((name) => name.trim());
      },
      bom: true,
      skip_empty_lines: true,
      to: IMPORT_LIMITS.rows + 1,
    }) as Record<string, string>[];
  } catch (error) {
    if (error instanceof ImportUnreadableError) throw error;
    throw new ImportUnreadableError(`The CSV cannot be read: ${(error as Error).message}`.slice(0, 500));
  }
  const byName = new Map(type.properties.map((property) => [property.apiName, property]));
  return records.map((record) =>
    Object.fromEntries(
      Object.entries(record).flatMap(([name, cell]) => {
        const definition = byName.get(name);
        // Unknown columns are kept as text so the row reports them (unknown_property).
        const value = definition ? valueFromText(definition, cell) : cell;
        return value === undefined ? [] : [[name, value]];
      }),
    ),
  );
}
