import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize, ZodValidationPipe } from '@strata/governance';
import type { z } from 'zod';
import { IdParamPipe } from './id-param.pipe';
import { budgetListQuerySchema, createBudgetSchema, updateBudgetSchema } from './budgets.schemas';
import { BudgetsService } from './budgets.service';

@ApiTags('model-gateway')
@Controller('model-gateway/budgets')
export class BudgetsController {
  constructor(private readonly budgets: BudgetsService) {}

  /** Budgets with their current period's status (used, reserved, limit, resetsAt). */
  @Get()
  @Authorize('read', 'Budget')
  list(@Query(new ZodValidationPipe(budgetListQuerySchema)) query: z.output<typeof budgetListQuerySchema>) {
    return this.budgets.list(query.limit, query.cursor);
  }

  @Get(':id')
  @Authorize('read', 'Budget')
  get(@Param('id', IdParamPipe) id: string) {
    return this.budgets.get(id);
  }

  @Post()
  @Authorize('create', 'Budget')
  create(@Body(new ZodValidationPipe(createBudgetSchema)) input: z.output<typeof createBudgetSchema>) {
    return this.budgets.create(input);
  }

  @Patch(':id')
  @Authorize('update', 'Budget')
  update(@Param('id', IdParamPipe) id: string, @Body(new ZodValidationPipe(updateBudgetSchema)) input: z.output<typeof updateBudgetSchema>) {
    return this.budgets.update(id, input);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('delete', 'Budget')
  async delete(@Param('id', IdParamPipe) id: string): Promise<void> {
    await this.budgets.delete(id);
  }
}
