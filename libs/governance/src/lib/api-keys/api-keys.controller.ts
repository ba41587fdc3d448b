import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Authorize } from '../authz/authorize.decorator';
import { IdParamPipe } from '../http/id-param.pipe';
import { pageQuerySchema } from '../http/paging';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { createApiKeySchema } from '../identity/identity.schemas';
import { ApiKeysService } from './api-keys.service';

@ApiTags('governance')
@Controller('governance/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @Authorize('read', 'ApiKey')
  list(@Query(new ZodValidationPipe(pageQuerySchema)) page: z.output<typeof pageQuerySchema>) {
    return this.keys.list(page.limit, page.cursor);
  }

  @Get(':id')
  @Authorize('read', 'ApiKey')
  get(@Param('id', IdParamPipe) id: string) {
    return this.keys.get(id);
  }

  /** The response holds the key itself (`token`): shown this once, stored only as a hash. */
  @Post()
  @Authorize('create', 'ApiKey')
  create(@Body(new ZodValidationPipe(createApiKeySchema)) input: z.output<typeof createApiKeySchema>) {
    return this.keys.create(input);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Authorize('revoke', 'ApiKey')
  revoke(@Param('id', IdParamPipe) id: string) {
    return this.keys.revoke(id);
  }
}
