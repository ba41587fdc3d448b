import type { DynamicModule, Provider } from '@nestjs/common';

export const INGESTION_PROVIDERS: Provider[] = [];
export const INGESTION_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [];
