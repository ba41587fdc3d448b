export { ContextModule } from './lib/context.module';
export { ContextError } from './lib/context.errors';
// Internal contracts (README "Internal contracts"): the spec, tools, context assembly, runs.
export * from './lib/agents/agent-spec';
export type * from './lib/tools/tool.contract';
export type * from './lib/assembly/context-assembly.contract';
export * from './lib/runtime/run.contract';
// Agents (README "Agents"): the service runs load agents through, its records and errors.
export { AgentsService, AGENT_SUBJECT } from './lib/agents/agents.service';
export type { AgentRecord, AgentVersionRecord } from './lib/agents/agent-record';
export { AGENT_ACTIVITY, type AgentActivityApi } from './lib/agents/agent-activity';
export { agentSpecJsonSchema } from './lib/agents/agent-spec-json-schema';
export {
  AgentNotFoundError,
  AgentExistsError,
  AgentVersionConflictError,
  AgentHasActiveRunsError,
  InvalidAgentSpecError,
  InvalidAgentInputError,
  UnknownAgentToolError,
  UnknownAgentModelError,
  UnknownAgentPurposeError,
  type AgentFieldIssue,
} from './lib/agents/agents.errors';
// Context assembly and memory (README "Context assembly" and "Memory").
export { ContextAssembler, ContextBudgetTooSmallError } from './lib/assembly/context-assembler';
export { tokenizerFor, type ContextTokenizer } from './lib/assembly/context-tokenizer';
export { MemoryService, type RememberInput, type RecallInput } from './lib/memory/memory.service';
export { MEMORY_LIMITS } from './lib/memory/memory-limits';
export type { MemoryView, RecalledMemory } from './lib/memory/memory-view';
export { MEMORY_SUBJECT, MEMORY_RULES } from './lib/memory/memory-permissions';
export { RECALL_SCORING, recallScore } from './lib/memory/memory-recall-score';
export { MemoryNotFoundError, WorkingMemoryFullError, InvalidMemoryInputError } from './lib/memory/memory.errors';
// Tools (README "Tools"): the registry the runtime calls, its limits, the SSRF-guarded HTTP client.
export { ToolRegistry } from './lib/tools/tool-registry';
export { TOOL_LIMITS } from './lib/tools/tool-limits';
export { TOOL_SUBJECTS, TOOL_RULES } from './lib/tools/tool-permissions';
export { UnknownToolError, DuplicateToolNameError, ToolProviderExistsError } from './lib/tools/tool.errors';
export { SafeHttpFetcher, type SafeHttpFetcherOptions, type SafeHttpRequest, type SafeHttpResponse } from './lib/tools/safe-http-fetch';
export { HttpTargetBlockedError, refusalOfAddress, vetTarget, type HostResolver } from './lib/tools/ssrf-guard';
// The durable runtime (runtime/): sessions and runs, the worker, replay, the fault-injection port.
export { SessionsService, type SessionDetailView, type RunDetailView } from './lib/runtime/sessions.service';
export { AgentRunner, MAX_RUN_ATTEMPTS, type RunLease } from './lib/runtime/agent-runner';
export { RunWorker, runWorkerOptions, type RunWorkerOptions } from './lib/runtime/run-worker';
export { RunReplayer, type ReplayReport, type ReplayDifference } from './lib/runtime/run-replay';
export { RunEventBus } from './lib/runtime/run-event-bus';
export { RUN_FAULT_INJECTOR, RUN_BOUNDARIES, NO_FAULTS, type RunBoundary, type RunFaultInjector } from './lib/runtime/run-fault-injection';
export { SESSION_SUBJECT, RUN_SUBJECT, RUNTIME_RULES } from './lib/runtime/runtime-permissions';
export { RUNTIME_LIMITS } from './lib/runtime/runtime.schemas';
export { UNTRUSTED_TOOL_OUTPUT_NOTE, TOOL_OUTPUT_MAX_CHARS } from './lib/runtime/run-transcript';
export type { SessionView, MessageView, RunView, StepView, ToolCallView, EffectView } from './lib/runtime/run-views';
