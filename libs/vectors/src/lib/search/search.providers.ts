import type { DynamicModule, Provider } from '@nestjs/common';

export const SEARCH_PROVIDERS: Provider[] = [];
export const SEARCH_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [];
