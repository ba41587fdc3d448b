import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { OntologyDescriber, OntologyQueriesService } from '@strata/ontology';
import type { AgentSpec, ToolReference } from '../agents/agent-spec';
import { MEMORY_LIMITS } from '../memory/memory-limits';
import { MemoryService } from '../memory/memory.service';
import { MEMORY_SUBJECT } from '../memory/memory-permissions';
import { approvalOf } from './tool-descriptor-parts';
import type { ToolDescriptor, ToolInvocation, ToolOutcome, ToolProvider, ToolResolutionContext } from './tool.contract';
import { UnknownToolError } from './tool.errors';
import { TOOL_LIMITS } from './tool-limits';

const FILTER_DESCRIPTION =
  'Filter: {"property": name, "op": eq|ne|gt|gte|lt|lte|in|contains|startsWith|isNull, "value": v}, combined with {"and": [...]}, {"or": [...]}, {"not": {...}}. ' +
  'System fields: $id, $primaryKey, $createdAt, $updatedAt, $version.';
const filter = { type: 'object', description: FILTER_DESCRIPTION };
const typeName = { type: 'string', description: 'An object type api name (see ontology_describe).' };

interface Services {
  queries(): OntologyQueriesService;
  describer(): OntologyDescriber;
  memory(): MemoryService;
}

interface BuiltinTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  permission: { action: string; subject: string };
  execution: 'read' | 'external';
  /** Reads this database only (ToolDescriptor.local). */
  local?: true;
  /** Settings taken from the spec at resolution. */
  config?(spec: AgentSpec): Record<string, unknown>;
  run(services: Services, args: Record<string, unknown>, invocation: ToolInvocation, config: Record<string, unknown>): Promise<unknown>;
}

const limit = (max: number) => ({ type: 'integer', minimum: 1, maximum: max });

/** The built-in tools, by their spec name (`ontology.query`): each reads through the ontology's own governed services. */
const BUILTIN_TOOLS: Record<string, BuiltinTool> = {
  'ontology.query': {
    name: 'ontology_query',
    description: 'Lists objects of one type matching a filter, sorted and paged. Returns items and a cursor or offset for the next page.',
    parameters: {
      type: 'object',
      properties: {
        objectType: typeName,
        filter,
        sort: { type: 'array', maxItems: 3, items: { type: 'object', properties: { property: { type: 'string' }, direction: { enum: ['asc', 'desc'] } }, required: ['property'], additionalProperties: false } },
        limit: limit(TOOL_LIMITS.ontologyRowsMax),
        cursor: { type: 'string', description: 'nextCursor of the previous page (unsorted queries).' },
        offset: { type: 'integer', minimum: 0, maximum: 10_000, description: 'nextOffset of the previous page (sorted queries).' },
      },
      required: ['objectType'],
      additionalProperties: false,
    },
    permission: { action: 'read', subject: 'OntologyObject' },
    execution: 'read',
    local: true,
    run: (services, args) => services.queries().query({ ...args, limit: Math.min(Number(args['limit'] ?? 20), TOOL_LIMITS.ontologyRowsMax) }),
  },
  'ontology.traverse': {
    name: 'ontology_traverse',
    description: 'Follows links from start objects through one or more hops (link types, direction, optional type and filter per hop) and returns the objects reached.',
    parameters: {
      type: 'object',
      properties: {
        start: {
          type: 'object',
          description: 'Either {"objectIds": [...]} or {"objectType": name, "filter": {...}}.',
          properties: { objectIds: { type: 'array', items: { type: 'string' }, maxItems: 100 }, objectType: { type: 'string' }, filter },
          additionalProperties: false,
        },
        hops: {
          type: 'array',
          minItems: 1,
          maxItems: 5,
          items: {
            type: 'object',
            properties: { linkTypes: { type: 'array', items: { type: 'string' }, minItems: 1 }, direction: { enum: ['out', 'in', 'both'] }, objectType: { type: 'string' }, filter },
            required: ['linkTypes'],
            additionalProperties: false,
          },
        },
        return: { enum: ['final', 'all'] },
        includePaths: { type: 'boolean' },
        limit: limit(TOOL_LIMITS.ontologyRowsMax),
      },
      required: ['start', 'hops'],
      additionalProperties: false,
    },
    permission: { action: 'read', subject: 'OntologyObject' },
    execution: 'read',
    local: true,
    run: (services, args) => services.queries().traverse({ ...args, limit: Math.min(Number(args['limit'] ?? 50), TOOL_LIMITS.ontologyRowsMax) }),
  },
  'ontology.search': {
    name: 'ontology_search',
    description: 'Full-text search over object properties, optionally within one object type; best matches first.',
    parameters: {
      type: 'object',
      properties: { q: { type: 'string', minLength: 1, maxLength: 200 }, type: typeName, limit: limit(20) },
      required: ['q'],
      additionalProperties: false,
    },
    permission: { action: 'read', subject: 'OntologyObject' },
    execution: 'read',
    local: true,
    run: (services, args) => services.queries().search({ ...args, limit: Math.min(Number(args['limit'] ?? 10), 20) }),
  },
  'ontology.describe': {
    name: 'ontology_describe',
    description: 'Describes the ontology: object types with their properties, link types and action types.',
    parameters: { type: 'object', properties: {}, additionalProperties: false },
    permission: { action: 'read', subject: 'OntologyObjectType' },
    execution: 'read',
    local: true,
    run: (services) => services.describer().describe(),
  },
  // Long-term memory of the agent for the user it acts for (MemoryService). Checked as a type-level
  // `create`/`read` of AgentMemory for that user: the memory written or searched is always theirs.
  'memory.remember': {
    name: 'memory_remember',
    description: 'Stores a fact to remember about this user for later conversations (one short statement).',
    parameters: { type: 'object', properties: { content: { type: 'string', minLength: 1, maxLength: MEMORY_LIMITS.contentChars } }, required: ['content'], additionalProperties: false },
    permission: { action: 'create', subject: MEMORY_SUBJECT },
    // Writes outside the checkpoint (an embedding through the gateway first); idempotent by key.
    execution: 'external',
    config: (spec) => ({ embeddingAlias: spec.memory.embeddingAlias, scope: spec.memory.longTerm.scope }),
    run: async (services, args, invocation, config) => {
      const memory = await services.memory().remember({
        agentId: invocation.principal.agentId,
        userId: config['scope'] === 'agent' ? null : invocation.principal.onBehalfOf.id,
        content: String(args['content']),
        embeddingAlias: String(config['embeddingAlias']),
        idempotencyKey: invocation.idempotencyKey,
      });
      return { remembered: true, id: memory.id };
    },
  },
  'memory.recall': {
    name: 'memory_recall',
    description: 'Searches what was remembered about this user: the most similar and recent facts and episode summaries.',
    parameters: { type: 'object', properties: { query: { type: 'string', minLength: 1, maxLength: MEMORY_LIMITS.queryChars }, topK: limit(MEMORY_LIMITS.recallTopK) }, required: ['query'], additionalProperties: false },
    permission: { action: 'read', subject: MEMORY_SUBJECT },
    execution: 'read',
    config: (spec) => ({ embeddingAlias: spec.memory.embeddingAlias, scope: spec.memory.longTerm.scope, topK: Math.max(1, spec.memory.longTerm.recallTopK) }),
    run: async (services, args, invocation, config) => ({
      memories: await services.memory().recall({
        agentId: invocation.principal.agentId,
        userId: invocation.principal.onBehalfOf.id,
        scope: config['scope'] === 'agent' ? 'agent' : 'agent_user',
        query: String(args['query']),
        topK: Math.min(Number(args['topK'] ?? config['topK']), MEMORY_LIMITS.recallTopK),
        embeddingAlias: String(config['embeddingAlias']),
      }),
    }),
  },
};

export const BUILTIN_TOOL_NAMES = Object.keys(BUILTIN_TOOLS);

/** `{ kind: 'builtin' }` tools: ontology query, traversal, search and description (`read`), long-term memory (`memory.remember` external, `memory.recall` read). */
@Injectable()
export class BuiltinToolProvider implements ToolProvider {
  readonly id = 'builtin';

  // The ontology module is not global and the context module does not import it: its services (and,
  // for symmetry, the memory service) are looked up in the application's module graph at first use.
  constructor(private readonly moduleRef: ModuleRef) {}

  async describe(reference: ToolReference, context: ToolResolutionContext): Promise<ToolDescriptor[]> {
    if (reference.kind !== 'builtin') throw new UnknownToolError(reference.kind, 'not a builtin reference');
    const tool = BUILTIN_TOOLS[reference.tool];
    if (!tool) throw new UnknownToolError(reference.tool, `no such built-in tool; known: ${BUILTIN_TOOL_NAMES.join(', ')}`);
    return [
      {
        name: reference.name ?? tool.name,
        description: reference.description ?? tool.description,
        parameters: tool.parameters,
        reference,
        provider: this.id,
        execution: tool.execution,
        ...(tool.local ? { local: true } : {}),
        permission: { ...tool.permission },
        approval: approvalOf(reference),
        ...(tool.config ? { config: tool.config(context.spec) } : {}),
      },
    ];
  }

  async execute(descriptor: ToolDescriptor, invocation: ToolInvocation): Promise<ToolOutcome> {
    const reference = descriptor.reference;
    const tool = reference.kind === 'builtin' ? BUILTIN_TOOLS[reference.tool] : undefined;
    if (!tool) return { status: 'error', content: { error: 'unknown tool' }, error: { code: 'context.unknown_tool', message: `No built-in tool for ${descriptor.name}.` } };
    const services: Services = {
      queries: () => this.moduleRef.get(OntologyQueriesService, { strict: false }),
      describer: () => this.moduleRef.get(OntologyDescriber, { strict: false }),
      memory: () => this.moduleRef.get(MemoryService, { strict: false }),
    };
    const content = await tool.run(services, invocation.arguments, invocation, descriptor.config ?? {});
    return { status: 'ok', content, ...(tool.execution === 'external' ? { effects: [`${reference.kind === 'builtin' ? reference.tool : 'builtin'}:${invocation.idempotencyKey}`] } : {}) };
  }
}
