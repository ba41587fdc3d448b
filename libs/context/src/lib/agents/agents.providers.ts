import type { DynamicModule, Provider } from '@nestjs/common';

/** Agents: spec storage and validation, their HTTP API. */
export const AGENT_PROVIDERS: Provider[] = [];
export const AGENT_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [];
