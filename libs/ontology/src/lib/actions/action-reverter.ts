import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type OntologyActionModel } from '@strata/db';
import { AuditLog, AuthorizationService, MutationRunner } from '@strata/governance';
import { CLOCK, MissingRequestContextError, newId, RequestContextStore, type Actor, type Clock } from '@strata/kernel';
import { OntologyEvents } from '../events/ontology-events';
import { LinkWriter } from '../links/link-writer';
import type { LinkRecord } from '../links/link-record';
import type { ObjectRecord } from '../objects/object-record';
import { ObjectWriter } from '../objects/object-writer';
import { ActionLogRepository } from './action-log.repository';
import { actionRecord, toActionView, type ActionView } from './action-view';
import { ActionNotFoundError, ActionNotRevertibleError } from './actions.errors';
import type { ActionChange } from './effects-executor';

const SUBJECT = 'OntologyAction';

/** Reverts applied actions (see {@link ActionReverter.revert}). */
@Injectable()
export class ActionReverter {
  constructor(
    private readonly log: ActionLogRepository,
    private readonly objects: ObjectWriter,
    private readonly links: LinkWriter,
    private readonly events: OntologyEvents,
    private readonly authorization: AuthorizationService,
    private readonly runner: MutationRunner,
    private readonly audit: AuditLog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Undoes an applied action's changes, newest first, in one transaction: a created object is
   * deleted, a modified one gets its previous properties back, a deleted one is restored (with the
   * links its deletion removed), a created link is deleted, a deleted link is created again — each
   * only if nothing changed it since (its version is still the one the action left). Refused (409,
   * every reason listed) when a webhook was called or anything changed since. The revert is itself
   * a log entry.
   */
  async revert(id: string): Promise<ActionView> {
    const original = await this.log.find(id);
    if (!original) throw new ActionNotFoundError(id);
    await this.authorization.authorize('revert', SUBJECT, actionRecord(original));
    const actor = requireActor();
    const context = RequestContextStore.require();
    const revertId = newId();
    const row = await this.runner.run('ontology.action.revert', async (tx) => {
      await this.events.lock(tx);
      const locked = await this.log.lock(id, tx);
      if (!locked) throw new ActionNotFoundError(id);
      const changes = (locked.changes ?? []) as unknown as ActionChange[];
      await this.checkRevertible(locked, changes, tx);
      const origin = { actionId: revertId, actionTypeApiName: locked.actionTypeApiName };
      const undone: ActionChange[] = [];
      for (const change of [...changes].reverse()) undone.push(...(await this.undo(change, origin, tx)));
      const now = this.clock.now();
      const created = await this.log.create(
        {
          id: revertId,
          actionTypeId: locked.actionTypeId,
          actionTypeApiName: locked.actionTypeApiName,
          actionTypeVersion: locked.actionTypeVersion,
          status: 'applied',
          parameters: { revertOf: locked.id },
          changes: json(undone),
          actorType: actor.type,
          actorId: actor.id,
          actorRoles: [...(actor.roles ?? [])],
          onBehalfOfType: context.onBehalfOf?.type ?? null,
          onBehalfOfId: context.onBehalfOf?.id ?? null,
          purpose: context.purpose ?? null,
          requestId: context.requestId,
          revertOfId: locked.id,
          createdAt: now,
          appliedAt: now,
        },
        tx,
      );
      await this.log.update(locked.id, { status: 'reverted', revertedAt: now, revertedById: revertId }, tx);
      await this.events.append(tx, { type: 'action.reverted', actionId: revertId, actionTypeApiName: locked.actionTypeApiName, payload: { revertOf: locked.id, changes: undone.length } });
      await this.audit.append(
        { action: 'ontology.action.revert', outcome: 'success', target: { type: SUBJECT, id: locked.id }, details: { revertId, actionType: locked.actionTypeApiName, changes: undone.length } },
        tx,
      );
      return created;
    });
    return toActionView(row);
  }

  private async checkRevertible(row: OntologyActionModel, changes: ActionChange[], tx: Prisma.TransactionClient): Promise<void> {
    if (row.status !== 'applied') throw new ActionNotRevertibleError(row.id, [`it is ${row.status}, only an applied action can be reverted`]);
    const reasons: string[] = [];
    const webhooks = (row.webhooks ?? []) as unknown[];
    if (webhooks.length > 0) reasons.push(`it called ${webhooks.length} webhook(s), whose effects outside the platform cannot be undone`);
    const versions = await this.log.currentObjectVersions(changes.filter((c) => c.kind === 'object').map((c) => c.id), tx);
    const liveLinks = await this.log.liveLinks(changes.filter((c) => c.kind === 'link').map((c) => c.id), tx);
    for (const change of changes) {
      if (change.kind === 'object') {
        const current = versions.get(change.id);
        const left = change.after?.version;
        if (change.op === 'deleted') {
          if (!current) reasons.push(`object ${change.id} no longer exists`);
          else if (!current.deleted) reasons.push(`object ${change.id} was restored since`);
          else if (current.version !== left) reasons.push(`object ${change.id} changed since (version ${left} → ${current.version})`);
          continue;
        }
        if (!current || current.deleted) reasons.push(`object ${change.id} was deleted since`);
        else if (current.version !== left) reasons.push(`object ${change.id} changed since (version ${left} → ${current.version})`);
      } else if (change.op === 'created' && !liveLinks.has(change.id)) {
        reasons.push(`link ${change.id} was deleted since`);
      }
    }
    if (reasons.length > 0) throw new ActionNotRevertibleError(row.id, reasons);
  }

  private async undo(change: ActionChange, origin: { actionId: string; actionTypeApiName: string }, tx: Prisma.TransactionClient): Promise<ActionChange[]> {
    if (change.kind === 'object') {
      const after = change.after as ObjectRecord;
      if (change.op === 'created' || change.op === 'restored') {
        const result = await this.objects.delete(tx, { id: change.id, expectedVersion: after.version }, origin);
        return [{ kind: 'object', op: 'deleted', typeApiName: change.typeApiName, id: change.id, before: result.before, after: result.after }];
      }
      if (change.op === 'deleted') {
        // The object comes back with the links its deletion removed (created again, new ids).
        const result = await this.objects.restore(tx, { id: change.id, expectedVersion: after.version }, origin);
        return [
          { kind: 'object', op: 'restored', typeApiName: change.typeApiName, id: change.id, before: result.before, after: result.after },
          ...result.links.map((link): ActionChange => ({ kind: 'link', op: 'created', linkTypeApiName: link.linkTypeApiName, id: link.id, before: null, after: link })),
        ];
      }
      const previous = (change.before as ObjectRecord).properties;
      const patch: Record<string, unknown> = { ...previous };
      for (const name of Object.keys(after.properties)) if (!(name in previous)) patch[name] = null;
      const result = await this.objects.update(tx, { id: change.id, patch, expectedVersion: after.version }, origin);
      return [{ kind: 'object', op: 'modified', typeApiName: change.typeApiName, id: change.id, before: result.before, after: result.after }];
    }
    if (change.op === 'created') {
      const result = await this.links.delete(tx, { id: change.id }, origin);
      return [{ kind: 'link', op: 'deleted', linkTypeApiName: change.linkTypeApiName, id: change.id, before: result.before, after: result.after }];
    }
    const link = change.before as LinkRecord;
    const result = await this.links.create(tx, { linkTypeApiName: link.linkTypeApiName, fromId: link.fromObjectId, toId: link.toObjectId, properties: link.properties }, origin);
    const created = result.after as LinkRecord;
    return [{ kind: 'link', op: 'created', linkTypeApiName: created.linkTypeApiName, id: created.id, before: null, after: created }];
  }
}

function requireActor(): Actor {
  const actor = RequestContextStore.require().actor;
  if (!actor) throw new MissingRequestContextError('an authenticated principal');
  return actor;
}

function json(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as Prisma.InputJsonValue;
}
