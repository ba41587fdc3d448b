import { Injectable } from '@nestjs/common';
import { RequestContextStore } from '@strata/kernel';
import { ContextError } from '../context.errors';
import { ToolRegistry } from '../tools/tool-registry';
import type { AgentSpec } from './agent-spec';
import { InvalidAgentSpecError, UnknownAgentToolError, type AgentFieldIssue } from './agents.errors';

/**
 * Every tool reference of a spec must resolve in the tenant when the spec is saved. Each reference
 * is resolved on its own so every unknown one is reported at its path (`tools.2`), and the
 * model-facing names of all of them must be unique (a provider rejects a toolset with repeats).
 */
@Injectable()
export class AgentToolCheck {
  constructor(private readonly registry: ToolRegistry) {}

  async check(agentId: string, spec: AgentSpec): Promise<void> {
    if (spec.tools.length === 0) return;
    const tenantId = RequestContextStore.requireTenantId();
    const unknown: AgentFieldIssue[] = [];
    const names = new Map<string, number>();
    const duplicates: AgentFieldIssue[] = [];
    for (const [index, reference] of spec.tools.entries()) {
      try {
        const descriptors = await this.registry.resolve({ tenantId, agentId, spec: { ...spec, tools: [reference] } });
        for (const descriptor of descriptors) {
          const first = names.get(descriptor.name);
          if (first !== undefined && first !== index) duplicates.push({ path: `tools.${index}.name`, message: `tool name ${descriptor.name} is also given by tools.${first}` });
          else names.set(descriptor.name, index);
        }
      } catch (error) {
        if (error instanceof ContextError && error.code === 'context.unknown_tool') unknown.push({ path: `tools.${index}`, message: error.message });
        else if (error instanceof ContextError && error.code === 'context.duplicate_tool_name') duplicates.push({ path: `tools.${index}.name`, message: error.message });
        else throw error;
      }
    }
    if (unknown.length) throw new UnknownAgentToolError(unknown);
    if (duplicates.length) throw new InvalidAgentSpecError(duplicates);
  }
}
