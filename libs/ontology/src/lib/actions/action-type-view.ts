import type { OntologyActionTypeModel, OntologyActionTypeVersionModel } from '@strata/db';
import { parametersJsonSchema } from './action-parameters';
import type { ActionTypeDefinition } from './action-type-definition';

/** An action type as the API returns it (the webhook secret never, except once at creation). */
export interface ActionTypeView {
  id: string;
  apiName: string;
  displayName: string;
  description: string;
  version: number;
  parameters: ActionTypeDefinition['parameters'];
  criteria: ActionTypeDefinition['criteria'];
  effects: ActionTypeDefinition['effects'];
  approval: ActionTypeDefinition['approval'];
  /** JSON Schema of the parameters (what agents and the action form use). */
  parametersSchema: Record<string, unknown>;
  createdBy: { type: string; id: string };
  createdAt: Date;
  updatedAt: Date;
}

export interface ActionTypeVersionView {
  version: number;
  change: string;
  apiName: string;
  displayName: string;
  description: string;
  definition: unknown;
  changedBy: { type: string; id: string };
  createdAt: Date;
}

export type StoredDefinition = Pick<ActionTypeDefinition, 'parameters' | 'criteria' | 'effects' | 'approval'>;

export function definitionOf(row: OntologyActionTypeModel): StoredDefinition {
  const stored = row.definition as unknown as StoredDefinition;
  return { parameters: stored.parameters ?? [], criteria: stored.criteria ?? [], effects: stored.effects ?? [], approval: stored.approval ?? null };
}

export function toActionTypeView(row: OntologyActionTypeModel): ActionTypeView {
  const definition = definitionOf(row);
  return {
    id: row.id,
    apiName: row.apiName,
    displayName: row.displayName,
    description: row.description,
    version: row.version,
    ...definition,
    parametersSchema: parametersJsonSchema(definition.parameters),
    createdBy: { type: row.createdByType, id: row.createdById },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toVersionView(row: OntologyActionTypeVersionModel): ActionTypeVersionView {
  return {
    version: row.version,
    change: row.change,
    apiName: row.apiName,
    displayName: row.displayName,
    description: row.description,
    definition: row.definition,
    changedBy: { type: row.changedByType, id: row.changedById },
    createdAt: row.createdAt,
  };
}

/** What an authorization rule sees of an action type (conditions may name these). */
export function actionTypeRecord(row: Pick<OntologyActionTypeModel, 'id' | 'apiName' | 'createdById'>): Record<string, unknown> {
  return { id: row.id, apiName: row.apiName, createdById: row.createdById };
}
