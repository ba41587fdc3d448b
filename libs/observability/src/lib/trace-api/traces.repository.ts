import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type TraceSpanModel } from '@strata/db';

/** One trace of the list: its spans in the tenant, aggregated. */
export interface TraceSummaryRow {
  trace_id: string;
  /** ISO 8601 UTC with microseconds (also the cursor's position). */
  start_time: string;
  end_time: string;
  duration_ms: number;
  span_count: number;
  error_count: number;
  any_ok: boolean;
  root_name: string;
  service_name: string;
  agent_ids: string[];
  models: string[];
  input_tokens: bigint | null;
  output_tokens: bigint | null;
  /** Exact decimal as text; null when no span carried a cost. */
  cost_usd: string | null;
}

export interface TraceListFilter {
  from: Date;
  to: Date;
  status?: 'unset' | 'ok' | 'error';
  agentId?: string;
  model?: string;
  minDurationMs?: number;
  /** Traces strictly after this position in (start desc, trace id desc) order. */
  after?: { startTime: string; traceId: string };
  limit: number;
}

export type TraceSpanRow = TraceSpanModel;

const ISO_MICROS = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

/**
 * Reads `trace_span` for the trace API. Every query is bound to one tenant: a trace is the set of
 * the tenant's spans sharing a trace id, so spans of other tenants (or of none) in the same trace
 * are never read, counted or revealed.
 */
@Injectable()
export class TracesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * A page of traces that started in [from, to), newest first. Candidates are the traces with a
   * span in the window (index on tenant and start time) matching the agent and model filters;
   * their spans are then aggregated, and status, duration and the cursor apply to the aggregate.
   */
  list(tenantId: string, filter: TraceListFilter): Promise<TraceSummaryRow[]> {
    const candidateFilters = [
      Prisma.sql`tenant_id = ${tenantId}::uuid`,
      Prisma.sql`start_time >= ${filter.from}`,
      Prisma.sql`start_time < ${filter.to}`,
      ...(filter.agentId ? [Prisma.sql`agent_id = ${filter.agentId}`] : []),
      ...(filter.model ? [Prisma.sql`model = ${filter.model}`] : []),
    ];
    const traceFilters = [
      Prisma.sql`start_time >= ${filter.from}`,
      Prisma.sql`start_time < ${filter.to}`,
      ...(filter.status === 'error' ? [Prisma.sql`error_count > 0`] : []),
      ...(filter.status === 'ok' ? [Prisma.sql`error_count = 0 AND any_ok`] : []),
      ...(filter.status === 'unset' ? [Prisma.sql`error_count = 0 AND NOT any_ok`] : []),
      ...(filter.minDurationMs !== undefined ? [Prisma.sql`duration_ms >= ${filter.minDurationMs}`] : []),
      ...(filter.after
        ? [Prisma.sql`(start_time, trace_id) < (${filter.after.startTime}::timestamptz, ${filter.after.traceId})`]
        : []),
    ];
    return this.prisma.$queryRaw<TraceSummaryRow[]>`
      WITH candidates AS (
        SELECT DISTINCT trace_id FROM trace_span WHERE ${Prisma.join(candidateFilters, ' AND ')}
      ), traces AS (
        SELECT s.trace_id,
               min(s.start_time) AS start_time,
               max(s.end_time) AS end_time,
               EXTRACT(EPOCH FROM (max(s.end_time) - min(s.start_time)))::float8 * 1000 AS duration_ms,
               count(*)::int AS span_count,
               (count(*) FILTER (WHERE s.status_code = 2))::int AS error_count,
               coalesce(bool_or(s.status_code = 1), false) AS any_ok,
               (array_agg(s.name ORDER BY s.start_time, s.parent_span_id IS NOT NULL, s.span_id))[1] AS root_name,
               (array_agg(s.service_name ORDER BY s.start_time, s.parent_span_id IS NOT NULL, s.span_id))[1] AS service_name,
               array_remove(array_agg(DISTINCT s.agent_id), NULL) AS agent_ids,
               array_remove(array_agg(DISTINCT s.model), NULL) AS models,
               sum(s.input_tokens)::bigint AS input_tokens,
               sum(s.output_tokens)::bigint AS output_tokens,
               sum(s.cost_usd) AS cost_usd
          FROM trace_span s JOIN candidates c ON c.trace_id = s.trace_id
         WHERE s.tenant_id = ${tenantId}::uuid
         GROUP BY s.trace_id
      )
      SELECT trace_id,
             to_char(start_time AT TIME ZONE 'UTC', ${Prisma.raw(ISO_MICROS)}) AS start_time,
             to_char(end_time AT TIME ZONE 'UTC', ${Prisma.raw(ISO_MICROS)}) AS end_time,
             duration_ms, span_count, error_count, any_ok, root_name, service_name, agent_ids, models,
             input_tokens, output_tokens, cost_usd::text AS cost_usd
        FROM traces
       WHERE ${Prisma.join(traceFilters, ' AND ')}
       ORDER BY traces.start_time DESC, trace_id DESC
       LIMIT ${filter.limit}`;
  }

  /** The tenant's spans of one trace in start order, at most `limit`. */
  spans(tenantId: string, traceId: string, limit: number): Promise<TraceSpanRow[]> {
    return this.prisma.traceSpan.findMany({
      where: { tenantId, traceId },
      orderBy: [{ startTime: 'asc' }, { spanId: 'asc' }],
      take: limit,
    });
  }
}
