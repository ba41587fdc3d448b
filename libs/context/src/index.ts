export { ContextModule } from './lib/context.module';
export { ContextError } from './lib/context.errors';
// Internal contracts (README "Internal contracts"): the spec, tools, context assembly, runs.
export * from './lib/agents/agent-spec';
export type * from './lib/tools/tool.contract';
export type * from './lib/assembly/context-assembly.contract';
export * from './lib/runtime/run.contract';
