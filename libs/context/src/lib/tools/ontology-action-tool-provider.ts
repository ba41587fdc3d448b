import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { RequestContextStore } from '@strata/kernel';
import { ActionsService, ActionTypesService, type ActionTypeView, type ActionView } from '@strata/ontology';
import type { ToolReference } from '../agents/agent-spec';
import { approvalOf, toolNameFrom } from './tool-descriptor-parts';
import { TOOL_LIMITS } from './tool-limits';
import type { ToolDescriptor, ToolInvocation, ToolOutcome, ToolProvider, ToolResolutionContext } from './tool.contract';
import { UnknownToolError } from './tool.errors';

/** Request ids are at most this long in the action log and audit entries. */
const REQUEST_ID_MAX = 128;

/**
 * `{ kind: 'ontology_action' }`: one tool per action type, whose parameters are the action type's
 * JSON Schema, applied through `ActionsService.apply` (its criteria, effects, audit and approval).
 *
 * Execution is `external` with the idempotency key stored on the action, not `transactional`:
 * `ActionsService.apply` opens its own transaction and authorizes with a stored decision written
 * outside any transaction, so it cannot run inside the runtime's checkpoint transaction (on the
 * embedded database, one connection, that would deadlock). Instead the call runs with the
 * idempotency key as its request id, which the action log keeps; before applying, the provider
 * looks the key up (`ActionsService.findByRequestId`) and, if a previous attempt got that far,
 * returns the recorded action instead of applying it again. So a crash between the action's commit
 * and the runtime's checkpoint never applies the action twice.
 *
 * An action type that requires approval in the ontology stays governed there: apply files the
 * ontology's approval request and the tool answers `awaiting_approval`; the ontology executes the
 * action once approved.
 */
@Injectable()
export class OntologyActionToolProvider implements ToolProvider {
  readonly id = 'ontology_action';

  // The ontology module is not global and the context module does not import it: its services are
  // looked up in the application's module graph at first use.
  constructor(private readonly moduleRef: ModuleRef) {}

  private get types(): ActionTypesService {
    return this.moduleRef.get(ActionTypesService, { strict: false });
  }

  private get actions(): ActionsService {
    return this.moduleRef.get(ActionsService, { strict: false });
  }

  async describe(reference: ToolReference, context: ToolResolutionContext): Promise<ToolDescriptor[]> {
    void context;
    if (reference.kind !== 'ontology_action') throw new UnknownToolError(reference.kind, 'not an ontology_action reference');
    const type = await this.findType(reference.actionType);
    if (!type) throw new UnknownToolError(reference.actionType, 'no action type with this api name in the tenant (or not readable)');
    const effects = type.effects.map((effect) => effect.kind).join(', ');
    return [
      {
        name: reference.name ?? toolNameFrom(type.apiName),
        description: (
          reference.description ??
          `${type.displayName}: ${type.description || 'an ontology action'} (effects: ${effects || 'none'}${type.approval ? '; a person must approve it before it runs' : ''}).`
        ).slice(0, 2000),
        parameters: type.parametersSchema,
        reference,
        provider: this.id,
        execution: 'external',
        permission: { action: 'apply', subject: 'OntologyActionType', record: { id: type.id, apiName: type.apiName, createdById: type.createdBy.id } },
        approval: approvalOf(reference),
      },
    ];
  }

  async execute(descriptor: ToolDescriptor, invocation: ToolInvocation): Promise<ToolOutcome> {
    const actionTypeId = descriptor.permission.record?.['id'];
    if (typeof actionTypeId !== 'string') return { status: 'error', content: { error: 'unresolved action type' }, error: { code: 'context.unknown_tool', message: 'The tool names no action type.' } };
    const requestId = requestIdOf(invocation.idempotencyKey);
    return RequestContextStore.with({ requestId }, async () => {
      // A call repeated after a crash gets the first call's outcome, exactly (not marked as a
      // repeat): the resumed run must continue as if it had never been interrupted.
      const earlier = await this.actions.findByRequestId(requestId);
      if (earlier) return outcomeOf(earlier, earlier.approvalId);
      const applied = await this.actions.apply(actionTypeId, { parameters: invocation.arguments });
      return outcomeOf(applied.action, applied.status === 'awaiting_approval' ? applied.approvalId : null);
    });
  }

  private async findType(apiName: string): Promise<ActionTypeView | null> {
    let cursor: string | undefined;
    for (let scanned = 0; scanned < TOOL_LIMITS.actionTypesScanned; ) {
      const page = await this.types.list({ limit: 200, ...(cursor ? { cursor } : {}) });
      const found = page.items.find((type) => type.apiName === apiName);
      if (found) return found;
      scanned += page.items.length;
      if (!page.nextCursor) return null;
      cursor = page.nextCursor;
    }
    return null;
  }
}

function requestIdOf(idempotencyKey: string): string {
  return idempotencyKey.length <= REQUEST_ID_MAX ? idempotencyKey : `tool-call:${createHash('sha256').update(idempotencyKey).digest('hex')}`;
}

function outcomeOf(action: ActionView, approvalId: string | null): ToolOutcome {
  const base = { actionId: action.id, actionType: action.actionType.apiName };
  switch (action.status) {
    case 'applied':
    case 'reverted':
      return { status: 'ok', content: { status: action.status, ...base, changes: summary(action.changes) }, effects: [`ontology.action:${action.id}`] };
    case 'awaiting_approval':
      return {
        status: 'ok',
        content: { status: 'awaiting_approval', ...base, approvalId, note: 'This action needs a person to approve it; it runs once approved.' },
        effects: [`ontology.action_request:${action.id}`],
      };
    default: {
      const error = action.error as { code?: string; message?: string } | null;
      return {
        status: 'error',
        content: { status: action.status, ...base, error: error?.message ?? action.status },
        error: { code: error?.code ?? `ontology.action_${action.status}`, message: error?.message ?? `The action is ${action.status}.` },
      };
    }
  }
}

function summary(changes: unknown): unknown {
  return Array.isArray(changes) ? changes.map((change: Record<string, unknown>) => ({ kind: change['kind'], op: change['op'], id: change['id'], type: change['typeApiName'] ?? change['linkTypeApiName'] })) : [];
}
