import { Injectable } from '@nestjs/common';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { Prisma, PrismaService } from '@strata/db';
import type { SpanSink } from './postgres-span-processor';
import { toSpanRow, type SpanRow } from './span-row';

/**
 * Writes span batches into `trace_span`, the only code that inserts there. One statement per
 * batch: the rows travel as one JSON document expanded by jsonb_to_recordset (one parameter, any
 * batch size), and spans already stored (a retried batch, a span exported twice) are skipped by
 * the primary key.
 */
@Injectable()
export class PostgresSpanSink implements SpanSink {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Maps and serialises the batch {@link SPANS_PER_TURN} spans at a time, letting the event loop
   * run between slices: a batch of hundreds of spans is milliseconds of work, which in one turn
   * would hold up every request in flight on this process (the model gateway benchmark's p99).
   */
  async write(spans: readonly ReadableSpan[]): Promise<void> {
    if (!spans.length) return;
    const slices: string[] = [];
    for (let start = 0; start < spans.length; start += SPANS_PER_TURN) {
      if (start > 0) await nextTurn();
      slices.push(spans.slice(start, start + SPANS_PER_TURN).map((span) => JSON.stringify(toSpanRow(span))).join(','));
    }
    await this.insertJson(`[${slices.join(',')}]`);
  }

  /** Inserts rows already mapped (benchmarks and tests build rows without an SDK). Returns the rows inserted. */
  insert(rows: readonly SpanRow[]): Promise<number> {
    return this.insertJson(JSON.stringify(rows));
  }

  /**
   * Past Prisma's query runtime (`queryDirect`, prepared on a server): a batch's JSON is sent once
   * rather than copied through the ORM's request objects, which held it alive across the API
   * workers' scavenges for the insert's round trip (docs/benchmarks.md, the gateway's allocations).
   */
  private async insertJson(rows: string): Promise<number> {
    const [inserted] = await this.prisma.queryDirect<{ n: number }>(
      Prisma.sql`
        WITH inserted AS (
          INSERT INTO trace_span (${INSERT_COLUMNS})
          SELECT ${RECORD_VALUES} FROM jsonb_to_recordset(${rows}::jsonb) AS ${RECORD_TYPE}
          ON CONFLICT (trace_id, span_id) DO NOTHING
          RETURNING 1
        )
        SELECT count(*)::int AS n FROM inserted`,
      { prepared: 'trace_span_insert' },
    );
    return inserted?.n ?? 0;
  }
}

/** Spans mapped in one turn of the event loop (about 1 ms of work at most). */
export const SPANS_PER_TURN = 32;

/** After pending I/O callbacks (setImmediate): requests waiting on the event loop go first. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const INSERT_COLUMNS = Prisma.raw(
  'trace_id, span_id, parent_span_id, tenant_id, name, kind, start_time, end_time, duration_ms, status_code, status_message, ' +
    'attributes, events, service_name, agent_id, model, input_tokens, output_tokens, cost_usd',
);

/** In INSERT_COLUMNS order. JSON null events are SQL NULL, not the jsonb value null. */
const RECORD_VALUES = Prisma.raw(
  'r.trace_id, r.span_id, r.parent_span_id, r.tenant_id, r.name, r.kind, r.start_time, r.end_time, r.duration_ms, r.status_code, ' +
    "r.status_message, r.attributes, CASE WHEN jsonb_typeof(r.events) = 'null' THEN NULL ELSE r.events END, r.service_name, " +
    'r.agent_id, r.model, r.input_tokens, r.output_tokens, r.cost_usd',
);

const RECORD_TYPE = Prisma.raw(
  'r(trace_id text, span_id text, parent_span_id text, tenant_id uuid, name text, kind integer, start_time timestamptz, ' +
    'end_time timestamptz, duration_ms double precision, status_code integer, status_message text, attributes jsonb, events jsonb, ' +
    'service_name text, agent_id text, model text, input_tokens integer, output_tokens integer, cost_usd numeric)',
);
