import type { Provider, Type } from '@nestjs/common';
import { AnthropicApiController } from '../anthropic-api/anthropic-api.controller';
import { OpenAiApiController } from './openai-api.controller';
import { V1ApiLane } from './v1-api-lane';

/** The outside /v1 API: OpenAI-compatible and Anthropic Messages routes over the ModelGateway facade. */
export const V1_API_CONTROLLERS: Type[] = [OpenAiApiController, AnthropicApiController];

/** The lane that serves the hot /v1 routes in front of Nest (attached by the API app). */
export const V1_API_PROVIDERS: Provider[] = [V1ApiLane];
