import { Module, type DynamicModule } from '@nestjs/common';
import type { StrataConfig } from '@strata/kernel';
import { CONTEXT_CONFIG } from './context-config';
import { AGENT_CONTROLLERS, AGENT_PROVIDERS } from './agents/agents.providers';
import { ASSEMBLY_CONTROLLERS, ASSEMBLY_PROVIDERS } from './assembly/assembly.providers';
import { MEMORY_CONTROLLERS, MEMORY_PROVIDERS } from './memory/memory.providers';
import { RUNTIME_CONTROLLERS, RUNTIME_PROVIDERS } from './runtime/runtime.providers';
import { TOOL_CONTROLLERS, TOOL_PROVIDERS_LIST } from './tools/tools.providers';

/** Wiring of the context layer: each concept folder lists its own providers and controllers. */
@Module({})
export class ContextModule {
  static forRoot(config: StrataConfig): DynamicModule {
    const providers = [{ provide: CONTEXT_CONFIG, useValue: config }, ...AGENT_PROVIDERS, ...TOOL_PROVIDERS_LIST, ...MEMORY_PROVIDERS, ...ASSEMBLY_PROVIDERS, ...RUNTIME_PROVIDERS];
    return {
      module: ContextModule,
      controllers: [...AGENT_CONTROLLERS, ...TOOL_CONTROLLERS, ...MEMORY_CONTROLLERS, ...ASSEMBLY_CONTROLLERS, ...RUNTIME_CONTROLLERS],
      providers,
      exports: providers,
    };
  }
}
