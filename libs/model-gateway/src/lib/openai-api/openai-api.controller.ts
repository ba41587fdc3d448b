import { Controller, Get, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { newId } from '@strata/kernel';
import { Authorize } from '@strata/governance';
import { ModelGateway } from '../gateway/model-gateway.service';
import { apiCallScope } from './api-call-scope';
import { toApiFailure } from './gateway-error-status';
import { openAiChatRequestSchema, openAiEmbeddingRequestSchema } from './openai-chat.schema';
import { embeddingInputs, fromOpenAiChatRequest, OpenAiChunkEncoder, toOpenAiChatCompletion, toOpenAiEmbeddingList } from './openai-chat.translation';
import { toOpenAiErrorResponse } from './openai-error';
import { OpenAiErrorFilter } from './openai-error.filter';
import { findOpenAiModel, toOpenAiModel } from './openai-models';
import { parseApiBody } from './parse-api-body';
import { relayPassthrough } from './passthrough-relay';
import { SseResponse } from './sse-response';

/** An error in the middle of an OpenAI stream: the official client raises it as an APIError. */
function openAiStreamError(error: unknown): string {
  return `data: ${JSON.stringify(toOpenAiErrorResponse(toApiFailure(error)).body)}\n\n`;
}

/**
 * The OpenAI-compatible API: `/v1/chat/completions`, `/v1/embeddings`, `/v1/models`. Thin: the body
 * is validated and translated here, everything else (routing, guardrails, budgets, accounting,
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
  async chatCompletions(@Req() request: Request, @Res() response: Response): Promise<void> {
    const body = parseApiBody(openAiChatRequestSchema, request.body);
    const aborter = SseResponse.abortOnDisconnect(request, response);
    const scope = { ...apiCallScope(request), signal: aborter.signal };

    const passthrough = await this.gateway.passthrough('openai-chat', body, scope);
    if (passthrough) return relayPassthrough(passthrough, response, openAiStreamError);

    const created = Math.floor(Date.now() / 1000);
    const chatRequest = { ...fromOpenAiChatRequest(body), ...scope };
    if (body.stream !== true) {
      const result = await this.gateway.chat(chatRequest);
      response.status(200).json(toOpenAiChatCompletion(result.response, created));
      return;
    }

    const stream = await this.gateway.streamChat(chatRequest);
    const events = stream.events[Symbol.asyncIterator]();
    // The first event decides between a stream and an error status: until it arrives the gateway may
    // still fall back, and a failure of every endpoint is a 502 the client sees as such.
    const first = await events.next();
    const sse = SseResponse.open(response);
    const encoder = new OpenAiChunkEncoder(`chatcmpl-${newId()}`, body.model, created, body.stream_options?.include_usage === true);
    try {
      for (let next = first; !next.done; next = await events.next()) {
        for (const chunk of encoder.encode(next.value)) await sse.send(chunk);
        if (sse.closed) break;
      }
      if (!sse.closed) await sse.send('[DONE]');
    } catch (error) {
      if (!sse.closed) await sse.write(openAiStreamError(error));
    } finally {
      // Ends the gateway's iterator (and so the upstream call) when the client went away.
      if (sse.closed) await events.return?.();
      sse.end();
    }
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
