import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize, ZodValidationPipe } from '@strata/governance';
import { RequestContextStore } from '@strata/kernel';
import type { SearchResponse } from '../vectors.contract';
import { searchBodySchema, type SearchBody } from './search-request.schema';
import { SearchPurposeConflictError } from './search.errors';
import { VectorSearchService } from './vector-search.service';

/** `POST /vectors/collections/:id/search` (id or name): vector, text or hybrid search of one collection. */
@ApiTags('vectors')
@Controller('vectors/collections')
export class SearchController {
  constructor(private readonly search: VectorSearchService) {}

  @Post(':id/search')
  @HttpCode(200)
  @Authorize('read', 'Collection')
  run(@Param('id') idOrName: string, @Body(new ZodValidationPipe(searchBodySchema)) body: SearchBody): Promise<SearchResponse> {
    // Over HTTP the purpose is the X-Strata-Purpose header (checked against the tenant's purposes
    // at authentication); a body purpose may only repeat it.
    const declared = RequestContextStore.require().purpose;
    if (body.purpose !== undefined && body.purpose !== declared) throw new SearchPurposeConflictError(body.purpose, declared);
    return this.search.search({ ...body, collection: idOrName });
  }
}
