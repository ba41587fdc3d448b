import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Prisma, PrismaService, type OntologyActionModel, type OntologyActionTypeModel } from '@strata/db';
import { ApprovalEvents, ApprovalsService, AuditLog, AuthorizationService, MutationRunner, type ApprovalEvent } from '@strata/governance';
import { CLOCK, isDomainError, MissingRequestContextError, newId, RequestContextStore, withSpan, type Actor, type Clock } from '@strata/kernel';
import { z } from 'zod';
import { OntologyEvents } from '../events/ontology-events';
import { objectReferenceParameters, validateParameters, type FieldError } from './action-parameters';
import { actionTypeRecord, definitionOf, type StoredDefinition } from './action-type-view';
import { ActionTypesRepository } from './action-types.repository';
import { ActionLogRepository } from './action-log.repository';
import { actionRecord, ACTION_STATUSES, toActionView, type ActionView } from './action-view';
import {
  ActionCriteriaNotMetError,
  ActionNotAwaitingApprovalError,
  ActionNotFoundError,
  ActionTypeNotFoundError,
  InvalidActionParametersError,
} from './actions.errors';
import { ActionReverter } from './action-reverter';
import { EffectsExecutor, type EffectsOutcome } from './effects-executor';
import type { TemplateScope } from './effect-template';
import { evaluateCriteria, type CriteriaEvaluation, type ReferencedObject } from './submission-criteria';
import { WebhookDispatcher } from './webhook-dispatcher';

const TYPE_SUBJECT = 'OntologyActionType';
const SUBJECT = 'OntologyAction';
/** The approval's subject type and action name: `ontology.<apiName>` on `OntologyActionType` `<id>`. */
const APPROVAL_SUBJECT = 'OntologyActionType';

/** Execution transactions wait this long for the tenant's ontology write lock. */
const EXECUTION_TRANSACTION = { maxWait: 10_000, timeout: 30_000 } as const;

const applySchema = z
  .object({
    parameters: z.record(z.string(), z.unknown()).default({}),
    /** Re-submission of an approved action: executes it (once). */
    approvalId: z.uuid().optional(),
  })
  .strict();

const validateSchema = z.object({ parameters: z.record(z.string(), z.unknown()).default({}) }).strict();

const listSchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.uuid().optional(),
    actionTypeId: z.uuid().optional(),
    status: z.enum(ACTION_STATUSES).optional(),
  })
  .strict();

export interface ValidationReport {
  valid: boolean;
  /** Parameter errors, one per field. */
  errors: FieldError[];
  /** Every criterion's result (empty when parameters are invalid: criteria need valid parameters). */
  criteria: CriteriaEvaluation['results'];
  failures: CriteriaEvaluation['failures'];
  requiresApproval: boolean;
}

export type ApplyOutcome = { status: 'applied'; action: ActionView } | { status: 'awaiting_approval'; action: ActionView; approvalId: string };

interface Submission {
  type: OntologyActionTypeModel;
  definition: StoredDefinition;
  parameters: Record<string, unknown>;
}

/**
 * Governed actions: validates parameters, evaluates submission criteria (explained when they
 * fail), applies the effects in ONE transaction through the ontology writers, logs the exact inputs
 * and changes, sends webhooks after the commit, and reverts where the effects allow it.
 *
 * Approval: an action type with an approval requirement creates a governance approval request on
 * submission (202). Once approved it executes exactly once — on the `approval.approved` event (as
 * the requester) or when the requester re-submits with the approval id, whichever comes first:
 * execution takes the tenant's ontology write lock, then locks the log entry (it must still be
 * `awaiting_approval`), then redeems the approval with `consumeForExecution` in the same
 * transaction (the approval must still be `approved`). Either check alone stops a second run.
 */
@Injectable()
export class ActionsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ActionsService');
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly prisma: PrismaService,
    private readonly types: ActionTypesRepository,
    private readonly log: ActionLogRepository,
    private readonly effects: EffectsExecutor,
    private readonly reverter: ActionReverter,
    private readonly events: OntologyEvents,
    private readonly webhooks: WebhookDispatcher,
    private readonly authorization: AuthorizationService,
    private readonly runner: MutationRunner,
    private readonly audit: AuditLog,
    private readonly approvals: ApprovalsService,
    private readonly approvalEvents: ApprovalEvents,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.unsubscribe.push(
      this.approvalEvents.on('approval.approved', (event) => this.onApproved(event)),
      this.approvalEvents.on(['approval.rejected', 'approval.expired', 'approval.cancelled'], (event) => this.onClosed(event)),
    );
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** Undoes an applied action where its effects allow it (see {@link ActionReverter}). */
  revert(id: string): Promise<ActionView> {
    return this.reverter.revert(id);
  }

  /** Checks parameters and criteria without any effect. */
  async validate(actionTypeId: string, raw: unknown): Promise<ValidationReport> {
    const input = parse(validateSchema, raw);
    const type = await this.findType(actionTypeId);
    await this.authorization.authorize('read', TYPE_SUBJECT, actionTypeRecord(type));
    const definition = definitionOf(type);
    const checked = validateParameters(definition.parameters, input.parameters);
    if (!checked.ok) return { valid: false, errors: checked.errors, criteria: [], failures: [], requiresApproval: !!definition.approval };
    const { objects, errors } = await this.referencedObjects(definition, checked.values, this.prisma);
    if (errors.length > 0) return { valid: false, errors, criteria: [], failures: [], requiresApproval: !!definition.approval };
    const evaluation = this.evaluate(definition, checked.values, objects);
    return { valid: evaluation.passed, errors: [], criteria: evaluation.results, failures: evaluation.failures, requiresApproval: !!definition.approval };
  }

  /** Applies an action now, or asks for its approval (`awaiting_approval`), or executes an approved one (`approvalId`). */
  async apply(actionTypeId: string, raw: unknown): Promise<ApplyOutcome> {
    const input = parse(applySchema, raw);
    const type = await this.findType(actionTypeId);
    await this.authorization.authorize('apply', TYPE_SUBJECT, actionTypeRecord(type));
    if (input.approvalId) return { status: 'applied', action: await this.executeApproved(type, input.approvalId, raw && typeof raw === 'object' && 'parameters' in raw ? input.parameters : undefined) };
    const submission = this.submission(type, input.parameters);
    if (submission.definition.approval) return this.requestApproval(submission);
    return { status: 'applied', action: await this.execute(submission, undefined) };
  }

  /**
   * The newest action submitted under a request id, if the caller may read it. The agent runtime
   * submits actions with its idempotency key as the request id and looks here first, so a call
   * repeated after a crash returns the recorded action instead of applying it twice.
   */
  async findByRequestId(requestId: string): Promise<ActionView | null> {
    const row = await this.log.findByRequestId(requestId);
    if (!row) return null;
    await this.authorization.authorize('read', SUBJECT, actionRecord(row));
    return toActionView(row);
  }

  async get(id: string): Promise<ActionView> {
    const row = await this.log.find(id);
    if (!row) throw new ActionNotFoundError(id);
    await this.authorization.authorize('read', SUBJECT, actionRecord(row));
    return toActionView(row);
  }

  async list(raw: unknown): Promise<{ items: ActionView[]; nextCursor: string | null }> {
    const query = parse(listSchema, raw);
    const access = (await this.authorization.accessibleWhere('read', SUBJECT)) as Prisma.OntologyActionWhereInput;
    const filters: Prisma.OntologyActionWhereInput = { ...(query.actionTypeId ? { actionTypeId: query.actionTypeId } : {}), ...(query.status ? { status: query.status } : {}) };
    const rows = await this.log.list({ AND: [access, filters] }, query.limit, query.cursor);
    return { items: rows.map(toActionView), nextCursor: rows.length === query.limit ? (rows.at(-1)?.id ?? null) : null };
  }

  // ---- submission -------------------------------------------------------------------------

  private submission(type: OntologyActionTypeModel, rawParameters: unknown): Submission {
    const definition = definitionOf(type);
    const checked = validateParameters(definition.parameters, rawParameters);
    if (!checked.ok) throw new InvalidActionParametersError(checked.errors);
    return { type, definition, parameters: checked.values };
  }

  private evaluate(definition: StoredDefinition, parameters: Record<string, unknown>, objects: Map<string, ReferencedObject | null>): CriteriaEvaluation {
    const context = RequestContextStore.require();
    return evaluateCriteria(definition.criteria, { parameters, objects, roles: context.actor?.roles ?? [], purpose: context.purpose });
  }

  /** The objects object_reference parameters name; a missing or wrongly typed one is a parameter error. */
  private async referencedObjects(
    definition: StoredDefinition,
    parameters: Record<string, unknown>,
    db: PrismaService | Prisma.TransactionClient,
  ): Promise<{ objects: Map<string, ReferencedObject | null>; errors: FieldError[] }> {
    const references = objectReferenceParameters(definition.parameters);
    const ids = [...references.keys()].map((name) => parameters[name]).filter((value): value is string => typeof value === 'string');
    const rows = await this.log.objects(ids, db);
    const byId = new Map(rows.map((row) => [row.id, row]));
    const objects = new Map<string, ReferencedObject | null>();
    const errors: FieldError[] = [];
    for (const [name, objectType] of references) {
      const id = parameters[name];
      if (typeof id !== 'string') {
        objects.set(name, null);
        continue;
      }
      const row = byId.get(id);
      if (!row) errors.push({ path: name, message: `no live ${objectType} with id ${id}` });
      else if (row.type_api_name !== objectType) errors.push({ path: name, message: `object ${id} is a ${row.type_api_name}, not a ${objectType}` });
      objects.set(name, row && row.type_api_name === objectType ? { id: row.id, objectType: row.type_api_name, properties: row.properties, version: Number(row.version) } : null);
    }
    return { objects, errors };
  }

  private async requestApproval(submission: Submission): Promise<ApplyOutcome> {
    const { type, definition, parameters } = submission;
    const approval = definition.approval as NonNullable<StoredDefinition['approval']>;
    // Checked now so nobody approves a request that cannot run; checked again at execution.
    const { objects, errors } = await this.referencedObjects(definition, parameters, this.prisma);
    if (errors.length > 0) throw new InvalidActionParametersError(errors);
    const evaluation = this.evaluate(definition, parameters, objects);
    if (!evaluation.passed) throw new ActionCriteriaNotMetError(evaluation.failures, evaluation.results);
    const request = await this.approvals.create({
      ...this.approvedAction(type, parameters),
      summary: `${type.displayName} (${type.apiName}, version ${type.version})`.slice(0, 500),
      approverRoles: approval.approverRoles,
      approverUserIds: approval.approverUserIds,
      quorum: approval.quorum,
      expiresInSeconds: approval.expiresInSeconds,
    });
    const actor = requireActor();
    const context = RequestContextStore.require();
    const row = await this.log.create({
      id: newId(),
      actionTypeId: type.id,
      actionTypeApiName: type.apiName,
      actionTypeVersion: type.version,
      status: 'awaiting_approval',
      parameters: json(parameters),
      criteria: json(evaluation.results),
      actorType: actor.type,
      actorId: actor.id,
      actorRoles: [...(actor.roles ?? [])],
      onBehalfOfType: context.onBehalfOf?.type ?? null,
      onBehalfOfId: context.onBehalfOf?.id ?? null,
      purpose: context.purpose ?? null,
      requestId: context.requestId,
      approvalId: request.id,
      createdAt: this.clock.now(),
    });
    return { status: 'awaiting_approval', action: toActionView(row), approvalId: request.id };
  }

  /** What the approval binds: the action type, its version and the exact parameters. */
  private approvedAction(type: Pick<OntologyActionTypeModel, 'id' | 'apiName' | 'version'>, parameters: unknown) {
    return { action: `ontology.${type.apiName}`, subjectType: APPROVAL_SUBJECT, subjectId: type.id, arguments: { version: type.version, parameters } };
  }

  // ---- execution --------------------------------------------------------------------------

  /**
   * Runs the effects of `submission` in one transaction. `pending` is the awaiting-approval log
   * entry being executed (then the approval is redeemed in the same transaction).
   */
  private async execute(submission: Submission, pending: { row: OntologyActionModel; approvalId: string } | undefined): Promise<ActionView> {
    const { type, definition, parameters } = submission;
    const actor = requireActor();
    const context = RequestContextStore.require();
    const actionId = pending?.row.id ?? newId();
    const origin = { actionId, actionTypeApiName: type.apiName };
    let outcome: EffectsOutcome | undefined;
    let publishApproval: (() => void) | undefined;
    let criteria: CriteriaEvaluation | undefined;
    try {
      const row = await withSpan('ontology.action.apply', { 'strata.audit.action': 'ontology.action.apply', 'strata.ontology.action_type': type.apiName }, () =>
        this.prisma.$transaction(async (tx) => {
          // Lock order: the tenant's ontology write lock, then the log entry, the approval, the audit chain.
          await this.events.lock(tx);
          if (pending) {
            const locked = await this.log.lock(pending.row.id, tx);
            if (!locked || locked.status !== 'awaiting_approval') throw new ActionNotAwaitingApprovalError(pending.row.id, locked?.status ?? 'missing');
            const receipt = await this.approvals.consumeForExecution(pending.approvalId, this.approvedAction({ ...type, version: pending.row.actionTypeVersion }, parameters), tx);
            publishApproval = () => receipt.publish();
          }
          const { objects, errors } = await this.referencedObjects(definition, parameters, tx);
          if (errors.length > 0) throw new InvalidActionParametersError(errors);
          criteria = this.evaluate(definition, parameters, objects);
          if (!criteria.passed) throw new ActionCriteriaNotMetError(criteria.failures, criteria.results);
          const scope: TemplateScope = {
            params: parameters,
            objects: Object.fromEntries([...objects].map(([name, object]) => [name, object ? { id: object.id, properties: object.properties } : null])),
            created: {},
            actor: { type: actor.type, id: actor.id },
            action: { id: actionId },
            now: this.clock.now().toISOString(),
          };
          outcome = await this.effects.apply(tx, definition.effects, scope, origin);
          await this.events.append(tx, {
            type: 'action.applied',
            ...origin,
            payload: { parameters, changes: outcome.changes.map((c) => ({ kind: c.kind, op: c.op, id: c.id })), approvalId: pending?.approvalId ?? null },
          });
          const now = this.clock.now();
          const data = {
            status: 'applied',
            parameters: json(parameters),
            changes: json(outcome.changes),
            events: json(outcome.events),
            webhooks: json(outcome.webhooks.map((w) => ({ effect: w.effect, url: w.url, delivered: null }))),
            criteria: json(criteria.results),
            error: Prisma.DbNull,
            appliedAt: now,
          };
          const saved = pending
            ? await this.log.update(actionId, data, tx)
            : await this.log.create(
                {
                  id: actionId,
                  actionTypeId: type.id,
                  actionTypeApiName: type.apiName,
                  actionTypeVersion: type.version,
                  ...data,
                  actorType: actor.type,
                  actorId: actor.id,
                  actorRoles: [...(actor.roles ?? [])],
                  onBehalfOfType: context.onBehalfOf?.type ?? null,
                  onBehalfOfId: context.onBehalfOf?.id ?? null,
                  purpose: context.purpose ?? null,
                  requestId: context.requestId,
                  createdAt: now,
                },
                tx,
              );
          await this.audit.append(
            {
              action: 'ontology.action.apply',
              outcome: 'success',
              target: { type: TYPE_SUBJECT, id: type.id },
              ...(pending ? { approvalId: pending.approvalId } : {}),
              details: { actionId, actionType: type.apiName, version: type.version, changes: outcome.changes.length, webhooks: outcome.webhooks.length },
            },
            tx,
          );
          return saved;
        }, EXECUTION_TRANSACTION),
      );
      publishApproval?.();
      return toActionView(await this.deliverWebhooks(row, type, outcome as EffectsOutcome));
    } catch (error) {
      await this.recordFailure(submission, pending, actionId, error, criteria);
      throw error;
    }
  }

  /** After the commit: sends the webhooks and records how each went. */
  private async deliverWebhooks(row: OntologyActionModel, type: OntologyActionTypeModel, outcome: EffectsOutcome): Promise<OntologyActionModel> {
    if (outcome.webhooks.length === 0) return row;
    const deliveries = await this.webhooks.send(
      outcome.webhooks,
      type.webhookSecret,
      { 'x-strata-action-id': row.id, 'x-strata-action-type': type.apiName },
      { actionId: row.id, actionType: type.apiName, actionTypeVersion: row.actionTypeVersion, parameters: row.parameters, changes: outcome.changes.map((c) => ({ kind: c.kind, op: c.op, id: c.id })) },
    );
    return this.log.update(row.id, { webhooks: json(deliveries) });
  }

  /**
   * A failed execution wrote nothing (rolled back). Without approval it is logged as `failed`;
   * an approved one stays `awaiting_approval` with the error (the approval is still unredeemed,
   * so the requester may fix the object state and re-submit). Refusals are audited as failures.
   */
  private async recordFailure(submission: Submission, pending: { row: OntologyActionModel } | undefined, actionId: string, error: unknown, criteria: CriteriaEvaluation | undefined): Promise<void> {
    if (error instanceof ActionNotAwaitingApprovalError || !isDomainError(error) || error.kind === 'internal') return;
    // A refused redemption (not approved yet, expired, someone else's) is governance's to audit, and changes nothing here.
    if (pending && error.code.startsWith('governance.approval_')) return;
    const detail = json({ code: error.code, message: error.message, details: error.details ?? null });
    try {
      const actor = requireActor();
      const context = RequestContextStore.require();
      await this.prisma.$transaction(async (tx) => {
        if (pending) await this.log.update(pending.row.id, { error: detail, ...(criteria ? { criteria: json(criteria.results) } : {}) }, tx);
        else {
          await this.log.create(
            {
              id: actionId,
              actionTypeId: submission.type.id,
              actionTypeApiName: submission.type.apiName,
              actionTypeVersion: submission.type.version,
              status: 'failed',
              parameters: json(submission.parameters),
              criteria: json(criteria?.results ?? []),
              error: detail,
              actorType: actor.type,
              actorId: actor.id,
              actorRoles: [...(actor.roles ?? [])],
              onBehalfOfType: context.onBehalfOf?.type ?? null,
              onBehalfOfId: context.onBehalfOf?.id ?? null,
              purpose: context.purpose ?? null,
              requestId: context.requestId,
              createdAt: this.clock.now(),
            },
            tx,
          );
        }
        await this.audit.append(
          { action: 'ontology.action.apply', outcome: 'failure', target: { type: TYPE_SUBJECT, id: submission.type.id }, reason: error.message.slice(0, 2000), details: { actionId, code: error.code } },
          tx,
        );
      });
    } catch (logError) {
      this.logger.error({ err: logError, actionId }, 'could not record a failed action');
    }
  }

  /** Executes the action an approval was granted for, as its requester. */
  private async executeApproved(type: OntologyActionTypeModel, approvalId: string, presented: Record<string, unknown> | undefined): Promise<ActionView> {
    const row = await this.log.findByApproval(approvalId);
    if (!row || row.actionTypeId !== type.id) throw new ActionNotFoundError(approvalId);
    if (row.status !== 'awaiting_approval') throw new ActionNotAwaitingApprovalError(row.id, row.status);
    const stored = row.parameters as Record<string, unknown>;
    // Executed as approved: the definition of the version the approvers saw, even if edited since.
    const approvedType = type.version === row.actionTypeVersion ? type : await this.typeAtVersion(type, row.actionTypeVersion);
    // Parameters presented with the approval id must be the approved ones (the approval's hash checks it too).
    const submission = this.submission(approvedType, presented ?? stored);
    return this.execute(submission, { row, approvalId });
  }

  private async onApproved(event: ApprovalEvent): Promise<void> {
    if (event.subjectType !== APPROVAL_SUBJECT || !event.action.startsWith('ontology.')) return;
    await RequestContextStore.run({ requestId: newId(), tenantId: event.tenantId }, async () => {
      const row = await this.log.findByApproval(event.approvalId);
      if (!row || row.status !== 'awaiting_approval') return;
      const actor: Actor = { type: row.actorType as Actor['type'], id: row.actorId, roles: row.actorRoles };
      const onBehalfOf: Actor | undefined = row.onBehalfOfType && row.onBehalfOfId ? { type: row.onBehalfOfType as Actor['type'], id: row.onBehalfOfId } : undefined;
      await RequestContextStore.with({ actor, onBehalfOf, purpose: row.purpose ?? undefined }, async () => {
        try {
          const type = await this.types.find(row.actionTypeId);
          if (!type) throw new ActionTypeNotFoundError(row.actionTypeId);
          await this.authorization.authorize('apply', TYPE_SUBJECT, actionTypeRecord(type));
          await this.executeApproved(type, event.approvalId, undefined);
        } catch (error) {
          // Not lost: the entry keeps `awaiting_approval` with the error, and the requester can re-submit.
          this.logger.warn({ err: error, approvalId: event.approvalId, actionId: row.id }, 'approved action did not execute on the approval event');
        }
      });
    });
  }

  private async onClosed(event: ApprovalEvent): Promise<void> {
    if (event.subjectType !== APPROVAL_SUBJECT || !event.action.startsWith('ontology.')) return;
    const status = event.type === 'approval.rejected' ? 'rejected' : event.type === 'approval.expired' ? 'expired' : 'cancelled';
    await RequestContextStore.run({ requestId: newId(), tenantId: event.tenantId }, async () => {
      await this.prisma.ontologyAction.updateMany({ where: { tenantId: event.tenantId, approvalId: event.approvalId, status: 'awaiting_approval' }, data: { status } });
    });
  }

  private async typeAtVersion(type: OntologyActionTypeModel, version: number): Promise<OntologyActionTypeModel> {
    const snapshot = await this.types.version(type.id, version);
    if (!snapshot) throw new ActionTypeNotFoundError(`${type.id}@${version}`);
    return { ...type, version, displayName: snapshot.displayName, description: snapshot.description, definition: snapshot.definition as Prisma.JsonValue };
  }

  private async findType(id: string): Promise<OntologyActionTypeModel> {
    const type = await this.types.find(id);
    if (!type) throw new ActionTypeNotFoundError(id);
    return type;
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

function parse<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  throw new InvalidActionParametersError(result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message })));
}
