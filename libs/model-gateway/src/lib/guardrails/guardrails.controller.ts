import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize, ZodValidationPipe } from '@strata/governance';
import type { z } from 'zod';
import { IdParamPipe } from '../budgets/id-param.pipe';
import { createGuardrailRuleSchema, guardrailListQuerySchema, guardrailTestSchema, updateGuardrailRuleSchema } from './guardrail-rules.schemas';
import { GuardrailRulesService } from './guardrail-rules.service';

@ApiTags('model-gateway')
@Controller('model-gateway/guardrails')
export class GuardrailsController {
  constructor(private readonly rules: GuardrailRulesService) {}

  @Get()
  @Authorize('read', 'GuardrailRule')
  list(@Query(new ZodValidationPipe(guardrailListQuerySchema)) query: z.output<typeof guardrailListQuerySchema>) {
    return this.rules.list(query.limit, query.cursor);
  }

  /** The built-in detectors and how this tenant has them (enabled, action, aliases). */
  @Get('detectors')
  @Authorize('read', 'GuardrailRule')
  detectors() {
    return this.rules.detectors();
  }

  /** What the tenant's rules do to `text`: the masked text (null when blocked) and the findings. */
  @Post('test')
  @HttpCode(200)
  @Authorize('read', 'GuardrailRule')
  test(@Body(new ZodValidationPipe(guardrailTestSchema)) input: z.output<typeof guardrailTestSchema>) {
    return this.rules.test(input.text, input.alias);
  }

  @Get(':id')
  @Authorize('read', 'GuardrailRule')
  get(@Param('id', IdParamPipe) id: string) {
    return this.rules.get(id);
  }

  @Post()
  @Authorize('create', 'GuardrailRule')
  create(@Body(new ZodValidationPipe(createGuardrailRuleSchema)) input: z.output<typeof createGuardrailRuleSchema>) {
    return this.rules.create(input);
  }

  @Patch(':id')
  @Authorize('update', 'GuardrailRule')
  update(@Param('id', IdParamPipe) id: string, @Body(new ZodValidationPipe(updateGuardrailRuleSchema)) input: z.output<typeof updateGuardrailRuleSchema>) {
    return this.rules.update(id, input);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('delete', 'GuardrailRule')
  async delete(@Param('id', IdParamPipe) id: string): Promise<void> {
    await this.rules.delete(id);
  }
}
