import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@strata/kernel';
import { InvalidCursorError, InvalidTraceRangeError, TraceNotFoundError } from './trace-api.errors';
import { toTraceSummaryDto, toTraceTreeDto, type TracePage, type TraceTreeDto } from './trace.dto';
import { normalizeTraceId, TRACE_RANGE_DEFAULT_MS, TRACE_RANGE_MAX_MS, TRACE_TREE_MAX_SPANS, type TraceListQuery } from './trace-query.schema';
import { TracesRepository } from './traces.repository';

/** Reads a tenant's stored traces: the list and one trace as a tree. The tenant is always passed in from the request context. */
@Injectable()
export class TraceQuery {
  constructor(
    private readonly traces: TracesRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(tenantId: string, query: TraceListQuery): Promise<TracePage> {
    const to = query.to ?? this.clock.now();
    const from = query.from ?? new Date(to.getTime() - TRACE_RANGE_DEFAULT_MS);
    if (from >= to || to.getTime() - from.getTime() > TRACE_RANGE_MAX_MS) throw new InvalidTraceRangeError(from, to, TRACE_RANGE_MAX_MS / 86_400_000);
    const rows = await this.traces.list(tenantId, {
      from,
      to,
      status: query.status,
      agentId: query.agentId,
      model: query.model,
      minDurationMs: query.minDurationMs,
      after: query.cursor === undefined ? undefined : decodeTraceCursor(query.cursor),
      limit: query.limit + 1,
    });
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toTraceSummaryDto),
      nextCursor: rows.length > query.limit && last ? encodeTraceCursor(last.start_time, last.trace_id) : null,
    };
  }

  /** The tenant's spans of the trace as a tree; 404 when the tenant has none (whoever else does). */
  async tree(tenantId: string, rawTraceId: string): Promise<TraceTreeDto> {
    const traceId = normalizeTraceId(rawTraceId);
    if (!traceId) throw new TraceNotFoundError(rawTraceId.slice(0, 64));
    const spans = await this.traces.spans(tenantId, traceId, TRACE_TREE_MAX_SPANS + 1);
    if (!spans.length) throw new TraceNotFoundError(traceId);
    return toTraceTreeDto(traceId, spans.slice(0, TRACE_TREE_MAX_SPANS), spans.length > TRACE_TREE_MAX_SPANS);
  }
}

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Opaque to clients: base64url of `<start with microseconds>|<trace id>`. */
export function encodeTraceCursor(startTime: string, traceId: string): string {
  return Buffer.from(`${startTime}|${traceId}`, 'utf8').toString('base64url');
}

export function decodeTraceCursor(cursor: string): { startTime: string; traceId: string } {
  const [startTime, traceId, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length || !startTime || !traceId || !CURSOR_TIME.test(startTime) || Number.isNaN(Date.parse(startTime)) || !normalizeTraceId(traceId)) {
    throw new InvalidCursorError();
  }
  return { startTime, traceId };
}
