import type { DynamicModule, Provider } from '@nestjs/common';
import { MemoriesController } from './memories.controller';
import { MemoriesRepository } from './memories.repository';
import { MemoryPermissions } from './memory-permissions';
import { MemoryService } from './memory.service';
import { WorkingMemoryRepository } from './working-memory.repository';

/** Memory: long-term memories (facts, episode summaries) with recall, working memory per session, their HTTP API. */
export const MEMORY_PROVIDERS: Provider[] = [MemoryPermissions, MemoriesRepository, WorkingMemoryRepository, MemoryService];
export const MEMORY_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [MemoriesController];
