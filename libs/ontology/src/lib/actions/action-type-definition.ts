import { z } from 'zod';
import { EVENT_TYPE_PATTERN, ONTOLOGY_EVENT_TYPES } from '../events/ontology-event';
import { ACTION_LIMITS, API_NAME, parameterDefinitionSchema, type ParameterDefinition } from './action-parameters';
import { isValidExpression, templateExpressions } from './effect-template';
import { criteriaReferences, criterionSchema } from './submission-criteria';

const typeApiName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a type api name such as Customer');
/** An object id: a template such as `{{params.customer}}` or `{{created.ticket.id}}`. */
const objectRef = z.string().min(1).max(200);
const propertyTemplates = z.record(z.string().min(1).max(64), z.json()).default({});

export const effectSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('createObject'),
      objectType: typeApiName,
      properties: propertyTemplates,
      /** Later effects refer to the new object as `{{created.<as>.id}}`. */
      as: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('modifyObject'), object: objectRef, properties: propertyTemplates }).strict(),
  z.object({ kind: z.literal('deleteObject'), object: objectRef }).strict(),
  z.object({ kind: z.literal('createLink'), linkType: typeApiName, from: objectRef, to: objectRef, properties: propertyTemplates }).strict(),
  z.object({ kind: z.literal('deleteLink'), linkType: typeApiName, from: objectRef, to: objectRef }).strict(),
  z
    .object({
      kind: z.literal('webhook'),
      url: z.url({ protocol: /^https?$/ }).max(2000),
      /** Default body: the action's id, type, parameters and changes. */
      body: z.json().optional(),
      timeoutMs: z.number().int().min(100).max(ACTION_LIMITS.webhookTimeoutMsMax).default(ACTION_LIMITS.webhookTimeoutMsDefault),
    })
    .strict(),
  z
    .object({
      kind: z.literal('emitEvent'),
      eventType: z
        .string()
        .max(100)
        .regex(EVENT_TYPE_PATTERN, 'must be an event type of the form area.verb, such as refund.requested')
        .refine((type) => !(ONTOLOGY_EVENT_TYPES as readonly string[]).includes(type), 'is an event type the ontology itself emits; choose your own'),
      payload: z.json().default({}),
    })
    .strict(),
]);
export type Effect = z.output<typeof effectSchema>;

const roleName = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/);

export const approvalRequirementSchema = z
  .object({
    approverRoles: z.array(roleName).max(20).default([]),
    approverUserIds: z.array(z.uuid()).max(50).default([]),
    quorum: z.number().int().min(1).max(20).default(1),
    expiresInSeconds: z.number().int().min(60).max(30 * 24 * 3600).default(7 * 24 * 3600),
  })
  .strict()
  .refine((a) => a.approverRoles.length + a.approverUserIds.length > 0, { message: 'name at least one approver role or user', path: ['approverRoles'] });
export type ApprovalRequirement = z.output<typeof approvalRequirementSchema>;

/** The versioned part of an action type: what every version snapshot stores. */
export const actionTypeDefinitionSchema = z
  .object({
    displayName: z.string().trim().min(1).max(200),
    /** Written for agents: when to use this action and what it does. */
    description: z.string().trim().max(4000).default(''),
    parameters: z.array(parameterDefinitionSchema).max(ACTION_LIMITS.parametersMax).default([]),
    criteria: z.array(criterionSchema).max(ACTION_LIMITS.criteriaMax).default([]),
    effects: z.array(effectSchema).min(1, 'an action has at least one effect').max(ACTION_LIMITS.effectsMax),
    approval: approvalRequirementSchema.nullable().default(null),
  })
  .strict()
  .superRefine((definition, ctx) => checkReferences(definition, ctx));
export type ActionTypeDefinition = z.output<typeof actionTypeDefinitionSchema>;

export const createActionTypeSchema = z
  .object({ apiName: z.string().regex(API_NAME, 'must be an api name such as refundOrder') })
  .strict()
  .and(actionTypeDefinitionSchema);

export const updateActionTypeSchema = z
  .object({
    /** Optimistic concurrency: the version the edit was made on. */
    expectedVersion: z.number().int().min(1),
    displayName: z.string().trim().min(1).max(200).optional(),
    description: z.string().trim().max(4000).optional(),
    parameters: z.array(z.unknown()).optional(),
    criteria: z.array(z.unknown()).optional(),
    effects: z.array(z.unknown()).optional(),
    approval: z.unknown().optional(),
  })
  .strict();

/** Every parameter, `{{expr}}` and criterion refers to something the definition declares. */
function checkReferences(definition: { parameters: ParameterDefinition[]; criteria: unknown[]; effects: Effect[] }, ctx: z.RefinementCtx): void {
  const names = new Set<string>();
  definition.parameters.forEach((parameter, index) => {
    if (names.has(parameter.apiName)) ctx.addIssue({ code: 'custom', path: ['parameters', index, 'apiName'], message: `parameter ${parameter.apiName} is declared twice` });
    names.add(parameter.apiName);
  });
  const references = new Set(definition.parameters.filter((p) => p.type === 'object_reference').map((p) => p.apiName));
  const refs = criteriaReferences(definition.criteria as never);
  for (const name of refs.parameters) {
    if (!names.has(name)) ctx.addIssue({ code: 'custom', path: ['criteria'], message: `criteria refer to unknown parameter ${name}` });
  }
  for (const { parameter } of refs.objectProperties) {
    if (names.has(parameter) && !references.has(parameter)) ctx.addIssue({ code: 'custom', path: ['criteria'], message: `parameter ${parameter} is not an object_reference, so it has no properties` });
  }
  const aliases = new Set<string>();
  definition.effects.forEach((effect, index) => {
    for (const expression of templateExpressions(effect)) {
      const path = ['effects', index];
      if (!isValidExpression(expression)) {
        ctx.addIssue({ code: 'custom', path, message: `{{${expression}}} is not a known expression (params.x, objects.x.y, created.x.id, actor.id, actor.type, action.id, now)` });
        continue;
      }
      const [root, name] = expression.split('.');
      if (root === 'params' && !names.has(name as string)) ctx.addIssue({ code: 'custom', path, message: `{{${expression}}} refers to unknown parameter ${name}` });
      if (root === 'objects' && !references.has(name as string)) ctx.addIssue({ code: 'custom', path, message: `{{${expression}}}: ${name} is not an object_reference parameter` });
      if (root === 'created' && !aliases.has(name as string)) ctx.addIssue({ code: 'custom', path, message: `{{${expression}}}: no earlier effect creates an object as ${name}` });
    }
    if (effect.kind === 'createObject' && effect.as) aliases.add(effect.as);
  });
}
