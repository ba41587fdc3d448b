import type { JsonSchema } from '@strata/model-gateway';
import type { Prisma } from '@strata/db';
import type { AgentSpec, ToolReference } from '../agents/agent-spec';

/**
 * The tool contracts between the runtime (runtime/), the registry (tools/) and the providers that
 * implement tools. A provider turns a ToolReference of the spec into model-facing tools and executes
 * calls to them. Built-in providers live in tools/; higher layers (MCP in dev-extensions) register
 * theirs with `ToolRegistryApi.register` and are referenced as `{ kind: 'extension', provider }`.
 */

/** How a tool's effects relate to the run's checkpoint (see the runtime's effect ledger). */
export type ToolExecution =
  /** Reads only: may run again on resume; nothing to de-duplicate. */
  | 'read'
  /**
   * Writes this database only and accepts the checkpoint's transaction: the effect, the ledger
   * entry and the checkpoint commit together, so an effect exists exactly once.
   */
  | 'transactional'
  /**
   * Writes outside this database (HTTP): the ledger records `pending` before and the result after;
   * the idempotency key travels with the call (`Idempotency-Key` header) so a receiver can drop a
   * repeat after a crash between the call and the checkpoint.
   */
  | 'external';

export interface ToolDescriptor {
  /** Model-facing name, unique within a run's toolset. */
  name: string;
  description: string;
  /** JSON Schema of the arguments the model must produce. */
  parameters: JsonSchema;
  /** The spec entry it came from. */
  reference: ToolReference;
  /** Which provider executes it (`builtin`, `ontology_action`, `vector_search`, `http`, or an extension's id). */
  provider: string;
  execution: ToolExecution;
  /**
   * A `read` that stays inside the platform: it reads this database and nothing else (no outbound
   * request, no model call, nothing spent, nothing logged). Only such a call may start before its
   * step's checkpoint has committed (AgentRunner.startEarly): if the step never commits, nothing of
   * it remains.
   */
  local?: boolean;
  /** CASL check made before every call for the user the agent acts for: action and subject type. */
  permission: {
    action: string;
    subject: string;
    /** The record checked (CASL conditions see it), e.g. the action type's `{ id, apiName, createdById }`. */
    record?: Record<string, unknown>;
  };
  approval?: { required: boolean; approverRoles: string[]; quorum: number; expiresInMs: number };
  /** Settings the provider took from the spec when resolving (e.g. the memory tools' embedding alias); plain JSON. */
  config?: Record<string, unknown>;
}

/** Who a call acts for and why: the run's principal, never anything from the tool's output. */
export interface ToolCallPrincipal {
  tenantId: string;
  /** The user (or service account) the agent acts for; abilities are theirs. */
  onBehalfOf: { type: 'user' | 'service_account'; id: string };
  agentId: string;
  runId: string;
  purpose: string;
}

export interface ToolInvocation {
  principal: ToolCallPrincipal;
  stepIndex: number;
  /** The model's tool-call id. */
  callId: string;
  /** `${runId}:${stepIndex}:${callId}`: stable across resumes, the effect ledger's key. */
  idempotencyKey: string;
  /** Parsed and validated against `descriptor.parameters` by the registry before execute. */
  arguments: Record<string, unknown>;
  /** Set for `transactional` tools: the checkpoint's transaction. */
  tx?: Prisma.TransactionClient;
  /** Set when the call was approved: the governance approval redeemed for it. */
  approvalId?: string;
  signal: AbortSignal;
}

/**
 * What a call produced. Output is untrusted data: the runtime wraps it as such before the model
 * sees it, and nothing in it can change the run's permissions, purpose or toolset.
 */
export interface ToolOutcome {
  status: 'ok' | 'error' | 'denied';
  /** JSON-serialisable result, or the error shown to the model. */
  content: unknown;
  error?: { code: string; message: string };
  /** Short descriptions of effects (`ontology.action:<id>`), recorded in the effect ledger. */
  effects?: string[];
}

export interface ToolResolutionContext {
  tenantId: string;
  agentId: string;
  spec: AgentSpec;
}

/** A source of tools. */
export interface ToolProvider {
  /** `builtin`, `ontology_action`, `vector_search`, `http`, or an extension id (`mcp`). */
  readonly id: string;
  /** Model-facing tools for one spec entry; throws ContextError `context.unknown_tool` if none. */
  describe(reference: ToolReference, context: ToolResolutionContext): Promise<ToolDescriptor[]>;
  execute(descriptor: ToolDescriptor, invocation: ToolInvocation): Promise<ToolOutcome>;
}

/** The registry's verdict on one call, before it executes. */
export type ToolCallDecision =
  | { kind: 'allow' }
  | { kind: 'deny'; code: string; reason: string }
  | { kind: 'needs_approval'; approval: NonNullable<ToolDescriptor['approval']> };

/** What the runtime needs from the tool layer (implemented by tools/ToolRegistry). */
export interface ToolRegistryApi {
  /** Every tool of a spec, resolved; unknown references → ContextError `context.unknown_tool` (400). */
  resolve(context: ToolResolutionContext): Promise<ToolDescriptor[]>;
  /**
   * Parses the model's JSON arguments and validates them against the schema. Invalid JSON or
   * arguments give `{ ok: false, error }` for the model, never a throw.
   */
  parseArguments(descriptor: ToolDescriptor, raw: string): { ok: true; arguments: Record<string, unknown> } | { ok: false; error: { code: string; message: string } };
  /**
   * CASL check for the principal under the run's purpose, plus the approval policy. A denial is
   * audited (`context.tool_call` outcome `denied`) by the registry.
   */
  decide(descriptor: ToolDescriptor, invocation: Omit<ToolInvocation, 'tx' | 'signal'>): Promise<ToolCallDecision>;
  /**
   * Whether `decide` would allow the call now, with no approval: the same checks, recording
   * nothing (no decision row, no audit entry). A prediction for starting a `read` tool early;
   * `decide` stays the decision.
   */
  wouldAllow(descriptor: ToolDescriptor, invocation: Omit<ToolInvocation, 'tx' | 'signal'>): Promise<boolean>;
  /** Executes an allowed (or approved) call: opens the `execute_tool {name}` span, audits writes. */
  execute(descriptor: ToolDescriptor, invocation: ToolInvocation): Promise<ToolOutcome>;
  /** Higher layers add their providers here (in onModuleInit). */
  register(provider: ToolProvider): void;
}
