import { Readable, pipeline } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import type { Prisma } from '@strata/db';
import { toAuditEntryDto, AUDIT_ENTRY_COLUMNS, type AuditEntryDto } from './audit-entry.dto';
import { AuditLog, type AppendedAuditEntry } from './audit-log.service';
import { AuditQuery } from './audit-query.service';
import type { AuditExportQuery, AuditFilter } from './audit-query.schema';

export interface AuditExportStream {
  contentType: string;
  filename: string;
  /** Text; read it once. Entries are fetched as it is read, never all held in memory. */
  stream: Readable;
  /** The `audit.export` entry recording this export; the export holds the entries before it. */
  recordedAs: AppendedAuditEntry;
}

/** Spreadsheet formula prefixes (OWASP CSV injection): such cells get a leading `'` in CSV only. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Streams a tenant's entries as NDJSON (one entry per line, verifiable offline) or CSV (for reading). */
@Injectable()
export class AuditExport {
  constructor(
    private readonly query: AuditQuery,
    private readonly log: AuditLog,
  ) {}

  /**
   * Records the export first (an aborted download was still an export), then streams the matching
   * entries with seq below that record, so the export's content is fixed when it starts.
   */
  async open(tenantId: string, request: AuditExportQuery, access: Prisma.AuditEntryWhereInput = {}): Promise<AuditExportStream> {
    const { format, ...filter } = request;
    const recordedAs = await this.log.append({
      tenantId,
      action: 'audit.export',
      outcome: 'success',
      target: { type: 'AuditEntry' },
      details: { format, filters: describeFilter(filter) },
    });
    const rows = this.query.stream(tenantId, filter, access, recordedAs.seq - 1n);
    const stamp = recordedAs.seq.toString();
    if (format === 'csv') {
      return { contentType: 'text/csv; charset=utf-8', filename: `audit-${tenantId}-${stamp}.csv`, stream: csvStream(rows), recordedAs };
    }
    return { contentType: 'application/x-ndjson; charset=utf-8', filename: `audit-${tenantId}-${stamp}.ndjson`, stream: ndjsonStream(rows), recordedAs };
  }
}

function ndjsonStream(rows: AsyncGenerator<Parameters<typeof toAuditEntryDto>[0]>): Readable {
  return Readable.from(
    (async function* () {
      for await (const row of rows) yield `${JSON.stringify(toAuditEntryDto(row))}\n`;
    })(),
    { objectMode: false },
  );
}

function csvStream(rows: AsyncGenerator<Parameters<typeof toAuditEntryDto>[0]>): Readable {
  const records = Readable.from(
    (async function* () {
      for await (const row of rows) yield csvRecord(toAuditEntryDto(row));
    })(),
  );
  const csv = stringify({ header: true, columns: AUDIT_ENTRY_COLUMNS.map((key) => ({ key })) });
  // pipeline destroys `csv` with the source's error, so a failed read ends the download as failed.
  return pipeline(records, csv, () => undefined);
}

function csvRecord(dto: AuditEntryDto): Record<string, string> {
  const record: Record<string, string> = {};
  for (const key of AUDIT_ENTRY_COLUMNS) {
    const value = dto[key];
    const cell = value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    record[key] = FORMULA_START.test(cell) ? `'${cell}` : cell;
  }
  return record;
}

/** The filters as JSON for the audit record (dates as ISO strings). */
function describeFilter(filter: AuditFilter): Record<string, string> {
  const described: Record<string, string> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value !== undefined) described[key] = value instanceof Date ? value.toISOString() : String(value);
  }
  return described;
}
