import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize } from '@strata/governance';
import type { SearchResponse } from '../vectors.contract';
import { searchOverHttp } from './search-over-http';
import { VectorSearchService } from './vector-search.service';

/**
 * `POST /vectors/collections/:id/search` (id or name): vector, text or hybrid search of one
 * collection. Where the API attaches {@link SearchApiLane}, the lane serves this exact path in
 * front of Nest; this controller serves it everywhere else (and in Nest-only test beds).
 */
@ApiTags('vectors')
@Controller('vectors/collections')
export class SearchController {
  constructor(private readonly search: VectorSearchService) {}

  @Post(':id/search')
  @HttpCode(200)
  @Authorize('read', 'Collection')
  run(@Param('id') idOrName: string, @Body() body: unknown): Promise<SearchResponse> {
    return searchOverHttp(this.search, idOrName, body);
  }
}
