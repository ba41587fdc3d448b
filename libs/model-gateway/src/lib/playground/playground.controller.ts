import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize, ZodValidationPipe } from '@strata/governance';
import type { ChatMessage, ToolCall } from '../providers/model-provider';
import type { RouteInfo } from '../gateway/gateway.contract';
import { ModelGateway } from '../gateway/model-gateway.service';
import { playgroundRequestSchema, type PlaygroundRequest } from './playground.schemas';

export interface PlaygroundResponse {
  text: string;
  toolCalls: ToolCall[];
  finishReason: string;
  route: RouteInfo;
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
}

/** The admin playground: one chat call through the gateway (routing, guardrails, budgets, usage, like any call), and the catalog callers see. */
@ApiTags('model-gateway')
@Controller('model-gateway')
export class PlaygroundController {
  constructor(private readonly gateway: ModelGateway) {}

  @Post('playground')
  @HttpCode(200)
  @Authorize('invoke', 'Model')
  async run(@Body(new ZodValidationPipe(playgroundRequestSchema)) body: PlaygroundRequest): Promise<PlaygroundResponse> {
    const messages: ChatMessage[] = body.messages
      ? body.messages.map((message) => (message.role === 'assistant' ? { role: 'assistant', content: message.content } : { role: message.role, content: message.content }))
      : [...(body.system ? [{ role: 'system' as const, content: body.system }] : []), { role: 'user' as const, content: body.prompt as string }];
    const { response, route } = await this.gateway.chat({
      model: body.model ?? body.alias,
      taskClass: body.taskClass,
      messages,
      maxOutputTokens: body.maxOutputTokens,
      temperature: body.temperature,
    });
    return {
      text: response.text,
      toolCalls: response.toolCalls,
      finishReason: response.finishReason,
      route,
      usage: { inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens, costUsd: route.costUsd },
    };
  }

  /** Every alias and model a caller may name (built-ins included), as `ModelGateway.listModels` returns them. */
  @Get('catalog')
  @Authorize('read', 'CatalogModel')
  async catalog() {
    return { items: await this.gateway.listModels() };
  }
}
