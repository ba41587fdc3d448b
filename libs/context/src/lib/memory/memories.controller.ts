import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Authorize, pageQuerySchema, ZodValidationPipe, type Page } from '@strata/governance';
import { MemoryIdPipe } from './memory-id.pipe';
import { MEMORY_SUBJECT } from './memory-permissions';
import { MEMORY_LIMITS } from './memory-limits';
import { MemoryService } from './memory.service';
import type { MemoryView } from './memory-view';

export const createMemorySchema = z
  .object({
    agentId: z.uuid(),
    content: z.string().min(1).max(MEMORY_LIMITS.contentChars),
  })
  .strict();

const listMemoriesQuerySchema = pageQuerySchema.extend({
  agentId: z.uuid().optional(),
  /** Owners, admins and auditors may narrow to one user; others only ever see their own. */
  userId: z.string().min(1).max(128).optional(),
  kind: z.enum(['fact', 'episode_summary']).optional(),
});

/** Long-term memories: a user lists, adds and deletes their own; owners/admins all, auditors read all. */
@ApiTags('context')
@Controller('context/memories')
export class MemoriesController {
  constructor(private readonly memories: MemoryService) {}

  @Get()
  @Authorize('read', MEMORY_SUBJECT)
  list(@Query(new ZodValidationPipe(listMemoriesQuerySchema)) query: z.infer<typeof listMemoriesQuerySchema>): Promise<Page<MemoryView>> {
    return this.memories.list(query);
  }

  @Get(':id')
  @Authorize('read', MEMORY_SUBJECT)
  get(@Param('id', MemoryIdPipe) id: string): Promise<MemoryView> {
    return this.memories.get(id);
  }

  @Post()
  @Authorize('create', MEMORY_SUBJECT)
  create(@Body(new ZodValidationPipe(createMemorySchema)) body: z.infer<typeof createMemorySchema>): Promise<MemoryView> {
    return this.memories.create(body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('delete', MEMORY_SUBJECT)
  async remove(@Param('id', MemoryIdPipe) id: string): Promise<void> {
    await this.memories.remove(id);
  }
}
