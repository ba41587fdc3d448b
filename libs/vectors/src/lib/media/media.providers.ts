import type { DynamicModule, Provider } from '@nestjs/common';

export const MEDIA_PROVIDERS: Provider[] = [];
export const MEDIA_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [];
