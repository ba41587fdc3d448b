import type { DynamicModule, Provider } from '@nestjs/common';

export const RUNTIME_PROVIDERS: Provider[] = [];
export const RUNTIME_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [];
