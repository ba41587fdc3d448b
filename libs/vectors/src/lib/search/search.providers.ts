import type { DynamicModule, Provider } from '@nestjs/common';
import { ChunkSearchRepository } from './chunk-search.repository';
import { SearchApiLane } from './search-api.lane';
import { SearchController } from './search.controller';
import { VectorSearchService } from './vector-search.service';

export const SEARCH_PROVIDERS: Provider[] = [ChunkSearchRepository, VectorSearchService, SearchApiLane];
export const SEARCH_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [SearchController];
