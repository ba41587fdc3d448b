import { Injectable } from '@nestjs/common';
import { PurposesService } from '@strata/governance';
import { RequestContextStore } from '@strata/kernel';
import { ModelGateway, type CatalogListing } from '@strata/model-gateway';
import type { AgentSpec } from './agent-spec';
import { UnknownAgentModelError, UnknownAgentPurposeError, type AgentFieldIssue } from './agents.errors';

/**
 * Checks what a spec names against the tenant as it is when the spec is saved: model aliases in
 * the gateway catalog, the default purpose among active governance purposes. (Tools: see
 * AgentToolCheck.) Things can disappear later; the runtime then fails the run with the same codes.
 */
@Injectable()
export class AgentReferenceChecker {
  constructor(
    private readonly gateway: ModelGateway,
    private readonly purposes: PurposesService,
  ) {}

  async checkModels(spec: AgentSpec): Promise<void> {
    const listings = await this.gateway.listModels();
    const issues: AgentFieldIssue[] = [];
    const expect = (path: string, id: string, operation: CatalogListing['operation']) => {
      const listing = listings.find((entry) => entry.id === id);
      if (!listing) issues.push({ path, message: `no model or alias ${id} in this tenant's catalog` });
      else if (listing.operation !== operation) issues.push({ path, message: `${id} is an ${listing.operation} model, not a ${operation} model` });
    };
    expect('model.alias', spec.model.alias, 'chat');
    if (spec.memory.compaction.enabled && spec.memory.compaction.alias) expect('memory.compaction.alias', spec.memory.compaction.alias, 'chat');
    if (spec.memory.longTerm.enabled) expect('memory.embeddingAlias', spec.memory.embeddingAlias, 'embeddings');
    if (issues.length) throw new UnknownAgentModelError(issues);
  }

  async checkPurpose(spec: AgentSpec): Promise<void> {
    RequestContextStore.requireTenantId();
    const active = await this.purposes.list(false);
    if (!active.some((purpose) => purpose.name === spec.defaultPurpose)) {
      throw new UnknownAgentPurposeError([{ path: 'defaultPurpose', message: `no active purpose ${spec.defaultPurpose} in this tenant` }]);
    }
  }
}
