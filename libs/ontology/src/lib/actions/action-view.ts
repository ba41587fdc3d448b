import type { OntologyActionModel } from '@strata/db';

export const ACTION_STATUSES = ['awaiting_approval', 'applied', 'failed', 'rejected', 'expired', 'cancelled', 'reverted'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** An action log entry as the API returns it. */
export interface ActionView {
  id: string;
  actionType: { id: string; apiName: string; version: number };
  status: ActionStatus;
  parameters: unknown;
  /** [{kind: object|link, op, typeApiName|linkTypeApiName, id, before, after}] */
  changes: unknown;
  events: unknown;
  webhooks: unknown;
  criteria: unknown;
  error: unknown;
  actor: { type: string; id: string; roles: string[] };
  onBehalfOf: { type: string; id: string } | null;
  purpose: string | null;
  approvalId: string | null;
  revertOfId: string | null;
  revertedById: string | null;
  createdAt: Date;
  appliedAt: Date | null;
  revertedAt: Date | null;
}

export function toActionView(row: OntologyActionModel): ActionView {
  return {
    id: row.id,
    actionType: { id: row.actionTypeId, apiName: row.actionTypeApiName, version: row.actionTypeVersion },
    status: row.status as ActionStatus,
    parameters: row.parameters,
    changes: row.changes,
    events: row.events,
    webhooks: row.webhooks,
    criteria: row.criteria,
    error: row.error,
    actor: { type: row.actorType, id: row.actorId, roles: row.actorRoles },
    onBehalfOf: row.onBehalfOfType && row.onBehalfOfId ? { type: row.onBehalfOfType, id: row.onBehalfOfId } : null,
    purpose: row.purpose,
    approvalId: row.approvalId,
    revertOfId: row.revertOfId,
    revertedById: row.revertedById,
    createdAt: row.createdAt,
    appliedAt: row.appliedAt,
    revertedAt: row.revertedAt,
  };
}

/** What an authorization rule sees of a log entry. */
export function actionRecord(row: Pick<OntologyActionModel, 'id' | 'actionTypeApiName' | 'actorId' | 'status'>): Record<string, unknown> {
  return { id: row.id, actionTypeApiName: row.actionTypeApiName, actorId: row.actorId, status: row.status };
}
