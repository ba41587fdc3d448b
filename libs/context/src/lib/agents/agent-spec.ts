import { z } from 'zod';

/**
 * An agent spec: plain data that says what an agent is. The lifecycle layer will version and
 * deploy specs later; for now the context layer stores the current one per agent (AgentsService).
 * Every bound is explicit so a spec can never ask the runtime for unbounded work.
 */
export const AGENT_SPEC_LIMITS = {
  instructionsChars: 32_000,
  tools: 64,
  contextSources: 16,
  maxSteps: 200,
  maxTokens: 10_000_000,
  maxWallTimeMs: 7 * 24 * 3_600_000,
  contextTokens: 1_000_000,
} as const;

/** The name a model sees for a tool (OpenAI and Anthropic both accept this shape). */
export const TOOL_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/;

/** When a tool call needs a human decision before it executes (governance approvals). */
export const toolApprovalPolicySchema = z
  .object({
    required: z.boolean(),
    approverRoles: z.array(z.string().min(1).max(64)).min(1).max(10).default(['approver']),
    quorum: z.number().int().min(1).max(10).default(1),
    /** How long a request stays open before it expires (the run then gets a rejection). */
    expiresInMs: z.number().int().min(60_000).max(30 * 24 * 3_600_000).default(7 * 24 * 3_600_000),
  })
  .strict();

const toolCommon = {
  /** Overrides the model-facing name; default derived from the reference. */
  name: z.string().regex(TOOL_NAME, 'must be a tool name such as search_docs').optional(),
  description: z.string().max(2_000).optional(),
  approval: toolApprovalPolicySchema.optional(),
};

/** Tools by reference: the registry resolves each to one or more model-facing tools. */
export const toolReferenceSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('builtin'),
      /** `ontology.query`, `ontology.traverse`, `ontology.search`, `ontology.describe`, `memory.remember`, `memory.recall`, ... */
      tool: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/),
      ...toolCommon,
    })
    .strict(),
  z
    .object({
      kind: z.literal('ontology_action'),
      /** The action type's api name; its parameter JSON Schema becomes the tool's. */
      actionType: z.string().min(1).max(128),
      ...toolCommon,
    })
    .strict(),
  z
    .object({
      kind: z.literal('vector_search'),
      /** The collection's name in the tenant. */
      collection: z.string().min(1).max(128),
      mode: z.enum(['vector', 'text', 'hybrid']).default('hybrid'),
      topK: z.number().int().min(1).max(50).default(8),
      ...toolCommon,
    })
    .strict(),
  z
    .object({
      kind: z.literal('http'),
      /** Hosts the tool may reach (exact or `*.example.com`); empty means any public host. */
      allowedHosts: z.array(z.string().min(1).max(253)).max(100).default([]),
      methods: z.array(z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])).min(1).default(['GET']),
      /** Plain http is refused unless this is set (https only by default). */
      allowHttp: z.boolean().default(false),
      ...toolCommon,
    })
    .strict(),
  z
    .object({
      /** Served by a ToolProvider registered by a higher layer (MCP in dev-extensions). */
      kind: z.literal('extension'),
      provider: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/),
      tool: z.string().min(1).max(128),
      config: z.record(z.string(), z.unknown()).optional(),
      ...toolCommon,
    })
    .strict(),
]);
export type ToolReference = z.infer<typeof toolReferenceSchema>;

export const CONTEXT_SOURCE_KINDS = [
  'instructions',
  'conversation',
  'working_memory',
  'long_term_memory',
  'ontology',
  'retrieval',
  'tool_results',
] as const;
export type ContextSourceKind = (typeof CONTEXT_SOURCE_KINDS)[number];

/** One source of the context pipeline, in the order they are assembled. */
export const contextSourceSchema = z
  .object({
    kind: z.enum(CONTEXT_SOURCE_KINDS),
    /** Token budget of this source; what does not fit is left out (and reported). */
    maxTokens: z.number().int().min(1).max(AGENT_SPEC_LIMITS.contextTokens).optional(),
    /** ontology: object ids in scope (`objectTypeApiName:primaryKey` or object id) and link hops. */
    objects: z.array(z.string().min(1).max(256)).max(100).optional(),
    linkHops: z.number().int().min(0).max(3).optional(),
    /** retrieval: collections searched with the latest user message. */
    collections: z.array(z.string().min(1).max(128)).max(10).optional(),
    topK: z.number().int().min(1).max(50).optional(),
  })
  .strict();
export type ContextSource = z.infer<typeof contextSourceSchema>;

export const agentSpecSchema = z
  .object({
    instructions: z.string().min(1).max(AGENT_SPEC_LIMITS.instructionsChars),
    model: z
      .object({
        /** A catalog alias (`fast`, `reasoning`) or model name of the tenant's gateway catalog. */
        alias: z.string().min(1).max(200),
        temperature: z.number().min(0).max(2).optional(),
        topP: z.number().min(0).max(1).optional(),
        maxOutputTokens: z.number().int().min(1).max(200_000).optional(),
      })
      .strict(),
    tools: z.array(toolReferenceSchema).max(AGENT_SPEC_LIMITS.tools).default([]),
    context: z
      .object({
        sources: z
          .array(contextSourceSchema)
          .max(AGENT_SPEC_LIMITS.contextSources)
          .default([{ kind: 'instructions' }, { kind: 'working_memory' }, { kind: 'long_term_memory' }, { kind: 'conversation' }, { kind: 'tool_results' }]),
        /** The whole prompt's budget; the model's output budget comes on top. */
        maxTokens: z.number().int().min(256).max(AGENT_SPEC_LIMITS.contextTokens).default(16_000),
      })
      .strict()
      .default({ sources: [{ kind: 'instructions' }, { kind: 'working_memory' }, { kind: 'long_term_memory' }, { kind: 'conversation' }, { kind: 'tool_results' }], maxTokens: 16_000 }),
    memory: z
      .object({
        working: z.boolean().default(true),
        longTerm: z
          .object({
            enabled: z.boolean().default(true),
            /** Memories recalled per step, by similarity and recency. */
            recallTopK: z.number().int().min(0).max(50).default(5),
            /** Per agent for everyone, or per agent and the user it acts for. */
            scope: z.enum(['agent', 'agent_user']).default('agent_user'),
          })
          .strict()
          .default({ enabled: true, recallTopK: 5, scope: 'agent_user' }),
        compaction: z
          .object({
            enabled: z.boolean().default(true),
            /** The newest turns are never summarised. */
            keepRecentTurns: z.number().int().min(1).max(100).default(6),
            /** The alias that writes summaries; default: the agent's own. */
            alias: z.string().min(1).max(200).optional(),
          })
          .strict()
          .default({ enabled: true, keepRecentTurns: 6 }),
        /** Embedding alias for long-term memory (the built-in local model by default). */
        embeddingAlias: z.string().min(1).max(200).default('embedding-default'),
      })
      .strict()
      .default({
        working: true,
        longTerm: { enabled: true, recallTopK: 5, scope: 'agent_user' },
        compaction: { enabled: true, keepRecentTurns: 6 },
        embeddingAlias: 'embedding-default',
      }),
    limits: z
      .object({
        maxSteps: z.number().int().min(1).max(AGENT_SPEC_LIMITS.maxSteps).default(25),
        maxTokens: z.number().int().min(1).max(AGENT_SPEC_LIMITS.maxTokens).default(200_000),
        maxWallTimeMs: z.number().int().min(1_000).max(AGENT_SPEC_LIMITS.maxWallTimeMs).default(30 * 60_000),
        /** Spend cap of one run in USD; reaching it suspends the run for a budget-extension approval. */
        maxCostUsd: z.number().min(0).max(100_000).optional(),
      })
      .strict()
      .default({ maxSteps: 25, maxTokens: 200_000, maxWallTimeMs: 30 * 60_000 }),
    /** The purpose runs act under unless the caller names another (governance purposes). */
    defaultPurpose: z.string().min(1).max(64),
    /** A user message sent while a run of the session is active: queue it, or interrupt the run. */
    busyPolicy: z.enum(['queue', 'interrupt']).default('queue'),
  })
  .strict();

export type AgentSpec = z.infer<typeof agentSpecSchema>;
export type AgentSpecInput = z.input<typeof agentSpecSchema>;
