import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseInput, RequestContextStore } from '@strata/kernel';
import { OBSERVABILITY_ACCESS, type ObservabilityAccess } from '../observability-access';
import type { TracePage, TraceTreeDto } from './trace.dto';
import { traceListSchema } from './trace-query.schema';
import { TraceQuery } from './trace-query.service';

/** Stored traces over HTTP. The tenant is the caller's, always; another tenant's trace answers 404. */
@ApiTags('observability')
@Controller('observability/traces')
export class TracesController {
  constructor(
    private readonly query: TraceQuery,
    @Inject(OBSERVABILITY_ACCESS) private readonly access: ObservabilityAccess,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List traces (time range on the trace start, status, agent, model, minimum duration; cursor paging, at most 100 a page)' })
  @ApiOkResponse({ description: '`{ items, nextCursor }`' })
  async list(@Query() raw: Record<string, unknown>): Promise<TracePage> {
    await this.access.gate('read', 'Trace');
    const query = parseInput(traceListSchema, raw);
    return this.query.list(RequestContextStore.requireTenantId(), query);
  }

  @Get(':traceId')
  @ApiOperation({ summary: 'One trace as a tree of spans with timings, tokens and cost where known' })
  @ApiOkResponse({ description: '`{ traceId, startTime, durationMs, status, inputTokens, outputTokens, costUsd, truncated, roots }`' })
  async get(@Param('traceId') traceId: string): Promise<TraceTreeDto> {
    await this.access.gate('read', 'Trace');
    return this.query.tree(RequestContextStore.requireTenantId(), traceId);
  }
}
