import { Injectable } from '@nestjs/common';
import { Prisma } from '@strata/db';
import { isDomainError, RequestContextStore } from '@strata/kernel';
import { OntologyEvents } from '../events/ontology-events';
import { LinkWriter } from '../links/link-writer';
import type { LinkRecord } from '../links/link-record';
import type { ObjectRecord, WriteOrigin } from '../objects/object-record';
import { ObjectWriter } from '../objects/object-writer';
import type { Effect } from './action-type-definition';
import { ActionEffectFailedError } from './actions.errors';
import { renderTemplate, TemplateError, type TemplateScope } from './effect-template';

/** One change an action made, enough to show it and to undo it. */
export type ActionChange =
  | { kind: 'object'; op: 'created' | 'modified' | 'deleted' | 'restored'; typeApiName: string; id: string; before: ObjectRecord | null; after: ObjectRecord | null }
  | { kind: 'link'; op: 'created' | 'deleted'; linkTypeApiName: string; id: string; before: LinkRecord | null; after: LinkRecord | null };

/** A webhook call prepared inside the transaction and sent after it commits. */
export interface PreparedWebhook {
  effect: number;
  url: string;
  body: unknown;
  timeoutMs: number;
}

export interface EmittedEvent {
  effect: number;
  type: string;
  sequence: string;
}

export interface EffectsOutcome {
  changes: ActionChange[];
  webhooks: PreparedWebhook[];
  events: EmittedEvent[];
}

/**
 * Applies an action's effects, in order, inside the caller's transaction, through the ontology
 * writers (validation, history, events). The first failing effect throws
 * {@link ActionEffectFailedError} naming it; the caller's transaction then rolls back everything
 * the earlier effects wrote. Webhooks are only prepared here: they are sent after the commit.
 */
@Injectable()
export class EffectsExecutor {
  constructor(
    private readonly objects: ObjectWriter,
    private readonly links: LinkWriter,
    private readonly events: OntologyEvents,
  ) {}

  async apply(tx: Prisma.TransactionClient, effects: readonly Effect[], scope: TemplateScope, origin: Required<WriteOrigin>): Promise<EffectsOutcome> {
    const outcome: EffectsOutcome = { changes: [], webhooks: [], events: [] };
    for (const [index, effect] of effects.entries()) {
      try {
        await this.applyOne(tx, index, effect, scope, origin, outcome);
      } catch (error) {
        throw asEffectFailure(index, effect.kind, error);
      }
    }
    return outcome;
  }

  private async applyOne(tx: Prisma.TransactionClient, index: number, effect: Effect, scope: TemplateScope, origin: Required<WriteOrigin>, outcome: EffectsOutcome): Promise<void> {
    const render = (template: unknown) => renderTemplate(template, scope);
    const idOf = (template: string) => {
      const value = render(template);
      if (typeof value !== 'string' || value.length === 0) throw new TemplateError(template, `${template} resolved to ${JSON.stringify(value)}, not an object id`);
      return value;
    };
    switch (effect.kind) {
      case 'createObject': {
        const { after } = await this.objects.create(tx, { typeApiName: effect.objectType, properties: render(effect.properties) as Record<string, unknown> }, origin);
        const created = after as ObjectRecord;
        if (effect.as) scope.created[effect.as] = { id: created.id };
        outcome.changes.push({ kind: 'object', op: 'created', typeApiName: created.typeApiName, id: created.id, before: null, after: created });
        return;
      }
      case 'modifyObject': {
        const { before, after } = await this.objects.update(tx, { id: idOf(effect.object), patch: render(effect.properties) as Record<string, unknown> }, origin);
        const changed = after as ObjectRecord;
        outcome.changes.push({ kind: 'object', op: 'modified', typeApiName: changed.typeApiName, id: changed.id, before, after });
        return;
      }
      case 'deleteObject': {
        const { before, after } = await this.objects.delete(tx, { id: idOf(effect.object) }, origin);
        const deleted = after as ObjectRecord;
        outcome.changes.push({ kind: 'object', op: 'deleted', typeApiName: deleted.typeApiName, id: deleted.id, before, after });
        return;
      }
      case 'createLink': {
        const { after } = await this.links.create(
          tx,
          { linkTypeApiName: effect.linkType, fromId: idOf(effect.from), toId: idOf(effect.to), properties: render(effect.properties) as Record<string, unknown> },
          origin,
        );
        const link = after as LinkRecord;
        outcome.changes.push({ kind: 'link', op: 'created', linkTypeApiName: link.linkTypeApiName, id: link.id, before: null, after: link });
        return;
      }
      case 'deleteLink': {
        const fromId = idOf(effect.from);
        const toId = idOf(effect.to);
        const id = await liveLinkId(tx, effect.linkType, fromId, toId);
        if (!id) throw new TemplateError('', `no live ${effect.linkType} link from ${fromId} to ${toId}`);
        const { before, after } = await this.links.delete(tx, { id, linkTypeApiName: effect.linkType }, origin);
        outcome.changes.push({ kind: 'link', op: 'deleted', linkTypeApiName: effect.linkType, id, before, after });
        return;
      }
      case 'emitEvent': {
        const sequence = await this.events.append(tx, { type: effect.eventType, ...origin, payload: { ...(render(effect.payload) as Record<string, unknown>) } });
        outcome.events.push({ effect: index, type: effect.eventType, sequence: sequence.toString() });
        return;
      }
      case 'webhook': {
        const body = effect.body === undefined ? undefined : render(effect.body);
        outcome.webhooks.push({ effect: index, url: effect.url, body, timeoutMs: effect.timeoutMs });
        return;
      }
    }
  }
}

async function liveLinkId(tx: Prisma.TransactionClient, linkType: string, fromId: string, toId: string): Promise<string | null> {
  const tenantId = RequestContextStore.requireTenantId();
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (!uuid.test(fromId) || !uuid.test(toId)) return null;
  const rows = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    SELECT id::text AS id FROM ontology_link
    WHERE tenant_id = ${tenantId}::uuid AND link_type_api_name = ${linkType} AND from_object_id = ${fromId}::uuid AND to_object_id = ${toId}::uuid AND deleted_at IS NULL
    LIMIT 1`);
  return rows[0]?.id ?? null;
}

function asEffectFailure(index: number, kind: string, error: unknown): unknown {
  if (error instanceof ActionEffectFailedError) return error;
  if (error instanceof TemplateError) return new ActionEffectFailedError(index, kind, { code: 'ontology.template_error', message: error.message }, 'invalid_argument');
  if (isDomainError(error)) {
    const errorKind = error.kind === 'conflict' || error.kind === 'not_found' || error.kind === 'failed_precondition' ? error.kind : 'invalid_argument';
    if (error.kind === 'internal' || error.kind === 'unavailable' || error.kind === 'unauthenticated') return error;
    return new ActionEffectFailedError(index, kind, { code: error.code, message: error.message, details: error.details }, errorKind);
  }
  return error;
}
