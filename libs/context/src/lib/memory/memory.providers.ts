import type { DynamicModule, Provider } from '@nestjs/common';

export const MEMORY_PROVIDERS: Provider[] = [];
export const MEMORY_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [];
