import type { DynamicModule, Provider } from '@nestjs/common';
import { CollectionsController } from './collections.controller';
import { CollectionsRepository } from './collections.repository';
import { CollectionsService } from './collections.service';
import { EmbeddingProbe } from './embedding-probe';
import { VectorsCollectionPermissions } from './vectors-permissions';

export const COLLECTION_PROVIDERS: Provider[] = [VectorsCollectionPermissions, CollectionsRepository, EmbeddingProbe, CollectionsService];
export const COLLECTION_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [CollectionsController];
