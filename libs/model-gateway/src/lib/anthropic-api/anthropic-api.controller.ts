import { Controller, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authorize } from '@strata/governance';
import { ModelGateway } from '../gateway/model-gateway.service';
import { AnthropicErrorFilter } from './anthropic-error.filter';
import { serveAnthropicMessages } from './anthropic-messages.route';

/**
 * Anthropic's Messages API at `/v1/messages`, for `@anthropic-ai/sdk` and tools built on it. Same
 * facade, same accounting as the OpenAI-compatible routes; Anthropic bodies go to Anthropic
 * endpoints untouched (passthrough), to any other provider translated. The /v1 lane serves the same
 * route in front of Nest ({@link serveAnthropicMessages}).
 */
@ApiExcludeController()
@Controller('v1')
@UseFilters(AnthropicErrorFilter)
@Authorize('invoke', 'Model')
export class AnthropicApiController {
  constructor(private readonly gateway: ModelGateway) {}

  @Post('messages')
  messages(@Req() request: Request, @Res() response: Response): Promise<void> {
    return serveAnthropicMessages(this.gateway, request, response);
  }
}
