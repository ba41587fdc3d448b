import type { DynamicModule, Provider } from '@nestjs/common';

export const COLLECTION_PROVIDERS: Provider[] = [];
export const COLLECTION_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [];
