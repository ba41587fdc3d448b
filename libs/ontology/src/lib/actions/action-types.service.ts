import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@strata/db';
import { AuditLog, AuthorizationService, MutationRunner, pageOf, pageQuerySchema, type Page } from '@strata/governance';
import { CLOCK, MissingRequestContextError, newId, RequestContextStore, type Clock } from '@strata/kernel';
import { z } from 'zod';
import { SchemaRepository } from '../schema/schema.repository';
import { actionTypeDefinitionSchema, createActionTypeSchema, updateActionTypeSchema, type ActionTypeDefinition } from './action-type-definition';
import { actionTypeRecord, definitionOf, toActionTypeView, toVersionView, type ActionTypeVersionView, type ActionTypeView } from './action-type-view';
import { ActionTypesRepository } from './action-types.repository';
import { ActionTypeExistsError, ActionTypeNotFoundError, ActionTypeVersionConflictError, InvalidActionTypeError } from './actions.errors';

const SUBJECT = 'OntologyActionType';

export type CreatedActionTypeView = ActionTypeView & {
  /** HMAC-SHA256 key of this type's webhook signatures (`X-Strata-Signature`); returned only here. */
  webhookSigningSecret: string;
};

/**
 * Action types: create, read, edit and retire, each change a new version kept in
 * `ontology_action_type_version` and audited. Definitions are validated as a whole: every
 * parameter, template expression and criterion must refer to something declared, and every object
 * and link type named must exist in the tenant's ontology.
 */
@Injectable()
export class ActionTypesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: ActionTypesRepository,
    private readonly schema: SchemaRepository,
    private readonly authorization: AuthorizationService,
    private readonly runner: MutationRunner,
    private readonly audit: AuditLog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(raw: unknown): Promise<Page<ActionTypeView>> {
    const query = parse(pageQuerySchema, raw);
    const access = (await this.authorization.accessibleWhere('read', SUBJECT)) as Prisma.OntologyActionTypeWhereInput;
    const rows = await this.repository.list(access, query.limit, query.cursor);
    return pageOf(rows.map(toActionTypeView), query.limit);
  }

  async get(id: string): Promise<ActionTypeView> {
    const row = await this.repository.find(id);
    if (!row) throw new ActionTypeNotFoundError(id);
    await this.authorization.authorize('read', SUBJECT, actionTypeRecord(row));
    return toActionTypeView(row);
  }

  async versions(id: string): Promise<ActionTypeVersionView[]> {
    await this.get(id);
    return (await this.repository.versions(id)).map(toVersionView);
  }

  async create(raw: unknown): Promise<CreatedActionTypeView> {
    const input = parse(createActionTypeSchema, raw);
    const actor = requireActor();
    await this.authorization.authorize('create', SUBJECT, { apiName: input.apiName, createdById: actor.id });
    const secret = randomBytes(32).toString('base64url');
    const row = await this.runner.run('ontology.action_type.create', async (tx) => {
      await this.checkTypesExist(input, tx);
      if (await this.repository.findByApiName(input.apiName, tx)) throw new ActionTypeExistsError(input.apiName);
      const now = this.clock.now();
      const id = newId();
      const created = await this.repository
        .create(
          {
            id,
            apiName: input.apiName,
            displayName: input.displayName,
            description: input.description,
            version: 1,
            definition: stored(input),
            webhookSecret: secret,
            createdByType: actor.type,
            createdById: actor.id,
            createdAt: now,
            updatedAt: now,
          },
          tx,
        )
        .catch((error: unknown) => {
          if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw new ActionTypeExistsError(input.apiName);
          throw error;
        });
      await this.addVersion(created.id, 1, 'created', input.apiName, input, tx);
      await this.audit.append({ action: 'ontology.action_type.create', outcome: 'success', target: { type: SUBJECT, id }, details: { apiName: input.apiName, version: 1 } }, tx);
      return created;
    });
    return { ...toActionTypeView(row), webhookSigningSecret: secret };
  }

  async update(id: string, raw: unknown): Promise<ActionTypeView> {
    const patch = parse(updateActionTypeSchema, raw);
    const existing = await this.repository.find(id);
    if (!existing) throw new ActionTypeNotFoundError(id);
    await this.authorization.authorize('update', SUBJECT, actionTypeRecord(existing));
    const row = await this.runner.run('ontology.action_type.update', async (tx) => {
      const locked = await this.repository.lock(id, tx);
      if (!locked) throw new ActionTypeNotFoundError(id);
      if (locked.version !== patch.expectedVersion) throw new ActionTypeVersionConflictError(id, patch.expectedVersion, locked.version);
      const current = definitionOf(locked);
      const merged = parse(actionTypeDefinitionSchema, {
        displayName: patch.displayName ?? locked.displayName,
        description: patch.description ?? locked.description,
        parameters: patch.parameters ?? current.parameters,
        criteria: patch.criteria ?? current.criteria,
        effects: patch.effects ?? current.effects,
        approval: patch.approval === undefined ? current.approval : patch.approval,
      });
      await this.checkTypesExist(merged, tx);
      const version = locked.version + 1;
      const updated = await this.repository.update(
        id,
        { displayName: merged.displayName, description: merged.description, definition: stored(merged), version, updatedAt: this.clock.now() },
        tx,
      );
      await this.addVersion(id, version, 'updated', locked.apiName, merged, tx);
      await this.audit.append(
        { action: 'ontology.action_type.update', outcome: 'success', target: { type: SUBJECT, id }, details: { apiName: locked.apiName, version, changed: Object.keys(patch).filter((k) => k !== 'expectedVersion') } },
        tx,
      );
      return updated;
    });
    return toActionTypeView(row);
  }

  async remove(id: string): Promise<void> {
    const existing = await this.repository.find(id);
    if (!existing) throw new ActionTypeNotFoundError(id);
    await this.authorization.authorize('delete', SUBJECT, actionTypeRecord(existing));
    await this.runner.run('ontology.action_type.delete', async (tx) => {
      const locked = await this.repository.lock(id, tx);
      if (!locked) throw new ActionTypeNotFoundError(id);
      const version = locked.version + 1;
      await this.repository.update(id, { deletedAt: this.clock.now(), version }, tx);
      await this.addVersion(id, version, 'deleted', locked.apiName, { displayName: locked.displayName, description: locked.description, ...definitionOf(locked) }, tx);
      await this.audit.append({ action: 'ontology.action_type.delete', outcome: 'success', target: { type: SUBJECT, id }, details: { apiName: locked.apiName, version } }, tx);
    });
  }

  private async addVersion(
    actionTypeId: string,
    version: number,
    change: string,
    apiName: string,
    definition: Pick<ActionTypeDefinition, 'displayName' | 'description' | 'parameters' | 'criteria' | 'effects' | 'approval'>,
    tx: Prisma.TransactionClient,
  ): Promise<void> {
    const actor = requireActor();
    await this.repository.addVersion(
      {
        id: newId(),
        actionTypeId,
        version,
        apiName,
        displayName: definition.displayName,
        description: definition.description,
        definition: stored(definition),
        change,
        changedByType: actor.type,
        changedById: actor.id,
        createdAt: this.clock.now(),
      },
      tx,
    );
  }

  /** Object and link types the definition names exist now (they may be removed later: apply then fails with a 404 per effect). */
  private async checkTypesExist(definition: Pick<ActionTypeDefinition, 'parameters' | 'effects'>, tx: Prisma.TransactionClient): Promise<void> {
    const issues: Array<{ path: string; message: string }> = [];
    for (const [index, parameter] of definition.parameters.entries()) {
      if (parameter.objectType && !(await this.schema.objectType(parameter.objectType, tx))) {
        issues.push({ path: `parameters.${index}.objectType`, message: `unknown object type ${parameter.objectType}` });
      }
    }
    for (const [index, effect] of definition.effects.entries()) {
      if (effect.kind === 'createObject' && !(await this.schema.objectType(effect.objectType, tx))) {
        issues.push({ path: `effects.${index}.objectType`, message: `unknown object type ${effect.objectType}` });
      }
      if ((effect.kind === 'createLink' || effect.kind === 'deleteLink') && !(await this.schema.linkType(effect.linkType, tx))) {
        issues.push({ path: `effects.${index}.linkType`, message: `unknown link type ${effect.linkType}` });
      }
    }
    if (issues.length > 0) throw new InvalidActionTypeError(issues);
  }
}

function stored(definition: Pick<ActionTypeDefinition, 'parameters' | 'criteria' | 'effects' | 'approval'>): Prisma.InputJsonValue {
  return JSON.parse(
    JSON.stringify({ parameters: definition.parameters, criteria: definition.criteria, effects: definition.effects, approval: definition.approval }),
  ) as Prisma.InputJsonValue;
}

function requireActor(): { type: string; id: string } {
  const actor = RequestContextStore.require().actor;
  if (!actor) throw new MissingRequestContextError('an authenticated principal');
  return actor;
}

function parse<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  throw new InvalidActionTypeError(result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message })));
}
