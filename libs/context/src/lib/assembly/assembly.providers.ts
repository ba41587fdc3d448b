import type { DynamicModule, Provider } from '@nestjs/common';

export const ASSEMBLY_PROVIDERS: Provider[] = [];
export const ASSEMBLY_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [];
