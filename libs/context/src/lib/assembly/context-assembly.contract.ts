import type { ChatMessage, ToolDefinition } from '@strata/model-gateway';
import type { AgentSpec, ContextSourceKind } from '../agents/agent-spec';

/**
 * The contract between the runtime (runtime/) and context assembly (assembly/, memory/). Before
 * every model call the runtime hands the assembler what the run knows; the assembler returns the
 * messages to send and a report of what it included, why, and how many tokens each part took. The
 * runtime stores the report with the step (the context inspector shows it).
 */

/** A message of the session's conversation, as the runtime keeps it (sequence-ordered). */
export interface ConversationMessage {
  id: string;
  /** Position in the session, gap-free, ascending. */
  seq: number;
  runId: string | null;
  message: ChatMessage;
  /** Tool results are untrusted data; the runtime already wrapped their content. */
  untrusted: boolean;
  createdAt: Date;
}

export interface AssemblyInput {
  tenantId: string;
  agentId: string;
  sessionId: string;
  runId: string;
  stepIndex: number;
  spec: AgentSpec;
  /** The user the agent acts for (memories per agent and user are theirs). */
  userId: string;
  purpose: string;
  /** The whole conversation of the session, oldest first (the assembler decides what fits). */
  conversation: ConversationMessage[];
  /** The tools the model will be offered (their schemas count against the budget). */
  tools: ToolDefinition[];
  signal?: AbortSignal;
}

export interface ContextItemReport {
  /** Memory id, message id, object id, chunk id... */
  id: string;
  kind: string;
  tokens: number;
  included: boolean;
  /** Why it is in (`recent turn`, `similarity 0.82, 3 h old`) or out (`over source budget`). */
  reason: string;
}

export interface ContextSourceReport {
  source: ContextSourceKind;
  budgetTokens: number | null;
  usedTokens: number;
  items: ContextItemReport[];
  /** A source that failed (retrieval down): the run goes on without it; the error is reported. */
  error?: { code: string; message: string };
}

export interface ContextReport {
  /** The tokenizer used for the model family (e.g. `o200k_base`). */
  tokenizer: string;
  budgetTokens: number;
  totalTokens: number;
  toolSchemaTokens: number;
  sources: ContextSourceReport[];
  compaction?: { summarizedMessages: number; throughSeq: number; summaryMemoryId: string; summaryTokens: number };
}

export interface AssembledContext {
  messages: ChatMessage[];
  report: ContextReport;
}

/** Implemented by assembly/ContextAssembler. */
export interface ContextAssemblerApi {
  assemble(input: AssemblyInput): Promise<AssembledContext>;
}
