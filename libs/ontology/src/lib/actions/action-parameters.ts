import { z } from 'zod';
import { ARRAY_ITEM_TYPES, PROPERTY_TYPES } from '../schema/property-definition';

/**
 * Parameters of an action type: the property types objects have, plus references to objects of a
 * given type. Validated with zod — already the platform's validator (ZodValidationPipe, every input
 * schema) — because one zod schema per action type gives both the server-side validation with
 * per-field paths and, through `z.toJSONSchema`, the JSON Schema agents see; the two cannot drift.
 */
/** Parameter types: the property types (same names, same accepted values), plus object references. */
export const PARAMETER_TYPES = [...PROPERTY_TYPES, 'object_reference'] as const;
export type ParameterTypeName = (typeof PARAMETER_TYPES)[number];

export const ACTION_LIMITS = {
  parametersMax: 50,
  criteriaMax: 50,
  effectsMax: 50,
  criteriaDepthMax: 5,
  stringMaxChars: 10_000,
  arrayMaxItems: 1_000,
  parametersMaxBytes: 64 * 1024,
  webhookTimeoutMsMax: 10_000,
  webhookTimeoutMsDefault: 5_000,
  webhookResponseBytesMax: 4_096,
} as const;

export const API_NAME = /^[a-z][A-Za-z0-9_]{0,63}$/;
const apiName = z.string().regex(API_NAME, 'must be an api name: a lower-case letter, then letters, digits or _ (at most 64)');
const typeApiName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a type api name such as Customer');

const enumValues = z.array(z.string().min(1).max(200)).min(1).max(500);

export const parameterDefinitionSchema = z
  .object({
    apiName,
    displayName: z.string().min(1).max(200).optional(),
    /** For agents: what to pass and in which unit. */
    description: z.string().max(2000).default(''),
    type: z.enum(PARAMETER_TYPES),
    required: z.boolean().default(true),
    /** enum (or an array of enum): the allowed values. */
    enumValues: enumValues.optional(),
    /** array: the item type (as for properties). */
    itemType: z.enum(ARRAY_ITEM_TYPES).optional(),
    /** object_reference: the object type the referenced object must have. */
    objectType: typeApiName.optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    maxLength: z.number().int().min(1).max(ACTION_LIMITS.stringMaxChars).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if ((p.type === 'enum' || p.itemType === 'enum') && !p.enumValues) ctx.addIssue({ code: 'custom', path: ['enumValues'], message: 'an enum parameter lists its values' });
    if (p.type === 'object_reference' && !p.objectType) ctx.addIssue({ code: 'custom', path: ['objectType'], message: 'an object reference names its object type' });
    if (p.type !== 'object_reference' && p.objectType) ctx.addIssue({ code: 'custom', path: ['objectType'], message: 'only object_reference parameters name an object type' });
    if (p.minimum !== undefined && p.maximum !== undefined && p.minimum > p.maximum) {
      ctx.addIssue({ code: 'custom', path: ['minimum'], message: 'must not exceed maximum' });
    }
  });
export type ParameterDefinition = z.output<typeof parameterDefinitionSchema>;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// As for properties: ISO 8601 with a time and an explicit zone.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

function validDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const parsed = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return parsed.getUTCDate() === Number(match[3]) && parsed.getUTCMonth() === Number(match[2]) - 1;
}

interface ScalarSpec {
  type: string;
  enumValues?: string[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

/**
 * One value of a scalar type, accepting exactly what an object property of that type accepts
 * (schema/property-validation.ts): decimals are JSON numbers, timestamps carry a zone and are
 * normalized to UTC ISO, media references are URIs.
 */
function scalarSchema(spec: ScalarSpec): z.ZodType {
  switch (spec.type) {
    case 'string': {
      let schema = z.string().max(spec.maxLength ?? ACTION_LIMITS.stringMaxChars).refine((v) => !v.includes('\u0000'), 'must not contain NUL characters');
      if (spec.minimum !== undefined) schema = z.string().min(spec.minimum).max(spec.maxLength ?? ACTION_LIMITS.stringMaxChars);
      return schema;
    }
    case 'integer':
    case 'decimal': {
      let schema = spec.type === 'integer' ? z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER) : z.number();
      if (spec.minimum !== undefined) schema = schema.min(spec.minimum);
      if (spec.maximum !== undefined) schema = schema.max(spec.maximum);
      return schema;
    }
    case 'boolean':
      return z.boolean();
    case 'date':
      return z.string().regex(DATE, 'must be a date YYYY-MM-DD').refine(validDate, 'must be a real calendar date');
    case 'timestamp':
      return z
        .string()
        .regex(TIMESTAMP, 'must be an ISO 8601 timestamp with a zone, such as 2026-01-31T12:00:00Z')
        .refine((v) => !Number.isNaN(Date.parse(v)), 'must be a real instant')
        .transform((v) => new Date(v).toISOString());
    case 'enum':
      return z.enum(spec.enumValues as [string, ...string[]]);
    case 'media_reference':
      return z.string().max(2048).regex(URI, 'must be a media reference URI with a scheme (https://…, s3://…, media:<id>)');
    case 'object_reference':
      return z.uuid('must be the id of an object');
    default:
      return z.json();
  }
}

function parameterSchema(parameter: ParameterDefinition): z.ZodType {
  let schema: z.ZodType;
  if (parameter.type === 'array') {
    schema = z.array(scalarSchema({ type: parameter.itemType ?? 'json', enumValues: parameter.enumValues })).max(ACTION_LIMITS.arrayMaxItems);
  } else schema = scalarSchema(parameter);
  const described = parameter.description ? schema.describe(parameter.description) : schema;
  return parameter.required ? described : described.nullable().optional();
}

/** The zod schema of an action type's parameters object: unknown parameters are refused. */
export function parametersSchema(parameters: readonly ParameterDefinition[]): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const parameter of parameters) shape[parameter.apiName] = parameterSchema(parameter);
  return z.object(shape).strict();
}

export interface FieldError {
  path: string;
  message: string;
}

export type ParameterValidation = { ok: true; values: Record<string, unknown> } | { ok: false; errors: FieldError[] };

/** Validates submitted parameters; on failure, one error per failing field (`path` like `amount` or `lines.2`). */
export function validateParameters(parameters: readonly ParameterDefinition[], input: unknown): ParameterValidation {
  const result = parametersSchema(parameters).safeParse(input ?? {});
  if (result.success) return { ok: true, values: result.data as Record<string, unknown> };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(',') : '(root)'),
      message: issue.code === 'unrecognized_keys' ? `unknown parameter${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}` : issue.message,
    })),
  };
}

/**
 * The JSON Schema (draft 2020-12) of the parameters, for the self-description agents turn into tool
 * definitions. Object references carry `x-strata-object-type` so a caller knows what to look up.
 */
export function parametersJsonSchema(parameters: readonly ParameterDefinition[]): Record<string, unknown> {
  const schema = z.toJSONSchema(parametersSchema(parameters), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const properties = (schema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const parameter of parameters) {
    const property = properties[parameter.apiName];
    if (!property) continue;
    property['x-strata-type'] = parameter.type;
    if (parameter.displayName) property['title'] = parameter.displayName;
    if (parameter.objectType) property['x-strata-object-type'] = parameter.objectType;
  }
  return schema;
}

/** Names of the parameters that reference objects, with their type (criteria and templates read those objects). */
export function objectReferenceParameters(parameters: readonly ParameterDefinition[]): Map<string, string> {
  const references = new Map<string, string>();
  for (const parameter of parameters) {
    if (parameter.type === 'object_reference' && parameter.objectType) references.set(parameter.apiName, parameter.objectType);
  }
  return references;
}
