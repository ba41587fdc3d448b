import type { Type } from '@nestjs/common';
import { AnthropicApiController } from '../anthropic-api/anthropic-api.controller';
import { OpenAiApiController } from './openai-api.controller';

/** The outside /v1 API: OpenAI-compatible and Anthropic Messages routes over the ModelGateway facade. */
export const V1_API_CONTROLLERS: Type[] = [OpenAiApiController, AnthropicApiController];
