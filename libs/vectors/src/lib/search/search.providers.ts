import type { DynamicModule, Provider } from '@nestjs/common';
import { ChunkSearchRepository } from './chunk-search.repository';
import { SearchController } from './search.controller';
import { VectorSearchService } from './vector-search.service';

export const SEARCH_PROVIDERS: Provider[] = [ChunkSearchRepository, VectorSearchService];
export const SEARCH_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [SearchController];
