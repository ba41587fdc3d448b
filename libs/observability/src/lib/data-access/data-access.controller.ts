import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseInput, RequestContextStore } from '@strata/kernel';
import { OBSERVABILITY_ACCESS, type ObservabilityAccess } from '../observability-access';
import type { DataAccessPage } from './data-access.dto';
import { dataAccessListSchema } from './data-access-query.schema';
import { DataAccessQuery } from './data-access-query.service';

/** The data-access log over HTTP, for auditors. The tenant is the caller's, always. */
@ApiTags('observability')
@Controller('observability/data-access')
export class DataAccessController {
  constructor(
    private readonly query: DataAccessQuery,
    @Inject(OBSERVABILITY_ACCESS) private readonly access: ObservabilityAccess,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List data-access records (time range, actor, resource type and id, purpose, trace, request; cursor paging, at most 500 a page)' })
  @ApiOkResponse({ description: '`{ items, nextCursor }`' })
  async list(@Query() raw: Record<string, unknown>): Promise<DataAccessPage> {
    await this.access.gate('read', 'DataAccessRecord');
    const query = parseInput(dataAccessListSchema, raw);
    return this.query.list(RequestContextStore.requireTenantId(), query);
  }
}
