import { Controller, Get, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authorize } from '@strata/governance';
import { ModelGateway } from '../gateway/model-gateway.service';
import { apiCallScope } from './api-call-scope';
import { serveOpenAiChatCompletion } from './openai-chat.route';
import { openAiEmbeddingRequestSchema } from './openai-chat.schema';
import { embeddingInputs, toOpenAiEmbeddingList } from './openai-chat.translation';
import { OpenAiErrorFilter } from './openai-error.filter';
import { findOpenAiModel, toOpenAiModel } from './openai-models';
import { parseApiBody } from './parse-api-body';
import { SseResponse } from './sse-response';

/**
 * The OpenAI-compatible API: `/v1/chat/completions`, `/v1/embeddings`, `/v1/models`. Thin: the body
 * is validated and translated here (chat completions: {@link serveOpenAiChatCompletion}, which the
 * /v1 lane also serves in front of Nest, see V1ApiLane), everything else (routing, guardrails, budgets, accounting,
 * spans) happens in the gateway facade, exactly as for in-process callers. Documented by OpenAI's
 * own API reference, so it stays out of Strata's OpenAPI document.
 */
@ApiExcludeController()
@Controller('v1')
@UseFilters(OpenAiErrorFilter)
@Authorize('invoke', 'Model')
export class OpenAiApiController {
  constructor(private readonly gateway: ModelGateway) {}

  @Post('chat/completions')
  chatCompletions(@Req() request: Request, @Res() response: Response): Promise<void> {
    return serveOpenAiChatCompletion(this.gateway, request, response);
  }

  @Post('embeddings')
  async embeddings(@Req() request: Request, @Res() response: Response): Promise<void> {
    const body = parseApiBody(openAiEmbeddingRequestSchema, request.body);
    const aborter = SseResponse.abortOnDisconnect(request, response);
    const result = await this.gateway.embed({
      ...apiCallScope(request),
      model: body.model,
      input: embeddingInputs(body),
      ...(body.dimensions === undefined ? {} : { dimensions: body.dimensions }),
      signal: aborter.signal,
    });
    response.status(200).json(toOpenAiEmbeddingList(result, body.encoding_format ?? 'float'));
  }

  @Get('models')
  async models(@Res() response: Response): Promise<void> {
    const listings = await this.gateway.listModels();
    response.status(200).json({ object: 'list', data: listings.map(toOpenAiModel) });
  }

  @Get('models/:model')
  async model(@Param('model') model: string, @Res() response: Response): Promise<void> {
    response.status(200).json(findOpenAiModel(await this.gateway.listModels(), model));
  }
}
