import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize, ZodValidationPipe } from '@strata/governance';
import type { z } from 'zod';
import { UsageQueryService } from './usage-query.service';
import { usageRecordsQuerySchema, usageSummaryQuerySchema } from './usage.schemas';

@ApiTags('model-gateway')
@Controller('model-gateway/usage')
export class UsageController {
  constructor(private readonly usage: UsageQueryService) {}

  /** Tokens, cost, requests, errors and cancelled calls grouped by model, day (UTC), alias or provider over [from, to). */
  @Get('summary')
  @Authorize('read', 'ModelUsage')
  summary(@Query(new ZodValidationPipe(usageSummaryQuerySchema)) query: z.output<typeof usageSummaryQuerySchema>) {
    return this.usage.summary(query);
  }

  /** Usage records, newest first, with filters. */
  @Get('records')
  @Authorize('read', 'ModelUsage')
  records(@Query(new ZodValidationPipe(usageRecordsQuerySchema)) query: z.output<typeof usageRecordsQuerySchema>) {
    return this.usage.records(query);
  }
}
