import type { DynamicModule, Provider } from '@nestjs/common';

export const TOOL_PROVIDERS_LIST: Provider[] = [];
export const TOOL_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [];
