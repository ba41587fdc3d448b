import { Module, type DynamicModule } from '@nestjs/common';
import type { StrataConfig } from '@strata/kernel';
import { COLLECTION_CONTROLLERS, COLLECTION_PROVIDERS } from './collections/collections.providers';
import { INGESTION_CONTROLLERS, INGESTION_PROVIDERS } from './ingestion/ingestion.providers';
import { MEDIA_CONTROLLERS, MEDIA_PROVIDERS } from './media/media.providers';
import { SEARCH_CONTROLLERS, SEARCH_PROVIDERS } from './search/search.providers';
import { VECTORS_CONFIG } from './vectors-config';

/** Wiring of the vectors layer: each concept folder lists its own providers and controllers. */
@Module({})
export class VectorsModule {
  static forRoot(config: StrataConfig): DynamicModule {
    const providers = [{ provide: VECTORS_CONFIG, useValue: config }, ...MEDIA_PROVIDERS, ...COLLECTION_PROVIDERS, ...INGESTION_PROVIDERS, ...SEARCH_PROVIDERS];
    return {
      module: VectorsModule,
      controllers: [...MEDIA_CONTROLLERS, ...COLLECTION_CONTROLLERS, ...INGESTION_CONTROLLERS, ...SEARCH_CONTROLLERS],
      providers,
      exports: providers,
    };
  }
}
