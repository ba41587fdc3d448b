import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { JsonSchema } from '@strata/model-gateway';
import { TOOL_LIMITS } from './tool-limits';

export type ParsedArguments = { ok: true; arguments: Record<string, unknown> } | { ok: false; error: { code: string; message: string } };

/**
 * The model's raw tool arguments → a validated object, or an error the model can read and act
 * on. Never throws: a malformed call is the model's mistake, answered as a tool error. Validation
 * by Ajv (JSON Schema 2020-12) with compiled validators cached per schema.
 */
export class ToolArgumentsParser {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  private readonly validators = new WeakMap<object, ValidateFunction>();

  parse(schema: JsonSchema, raw: string): ParsedArguments {
    if (typeof raw !== 'string') return invalid('context.tool_arguments_invalid_json', 'Tool arguments must be a JSON object.');
    if (Buffer.byteLength(raw) > TOOL_LIMITS.argumentsBytes) {
      return invalid('context.tool_arguments_too_large', `Tool arguments are larger than ${TOOL_LIMITS.argumentsBytes} bytes.`);
    }
    let value: unknown;
    try {
      value = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch (error) {
      return invalid('context.tool_arguments_invalid_json', `Tool arguments are not valid JSON: ${(error as Error).message}`.slice(0, 500));
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return invalid('context.tool_arguments_invalid_json', 'Tool arguments must be a JSON object.');
    let validate: ValidateFunction;
    try {
      validate = this.validator(schema);
    } catch (error) {
      return invalid('context.tool_schema_invalid', `The tool's parameter schema cannot be used: ${(error as Error).message}`.slice(0, 500));
    }
    if (!validate(value)) {
      const issues = (validate.errors ?? []).slice(0, 10).map((issue) => `${issue.instancePath || '(root)'} ${issue.message ?? 'is invalid'}${issue.params && 'additionalProperty' in issue.params ? ` (${String(issue.params['additionalProperty'])})` : ''}`);
      return invalid('context.tool_arguments_invalid', `Tool arguments do not match the tool's schema: ${issues.join('; ')}`.slice(0, 2000));
    }
    return { ok: true, arguments: value as Record<string, unknown> };
  }

  private validator(schema: JsonSchema): ValidateFunction {
    const key = schema as object;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema as Record<string, unknown>);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

function invalid(code: string, message: string): ParsedArguments {
  return { ok: false, error: { code, message } };
}
