/**
 * Values in effects may refer to the submission: a string that is exactly `{{expr}}` becomes the
 * value (typed: a number stays a number); `{{expr}}` inside longer text is interpolated as text.
 * Expressions are dotted paths only — `params.amount`, `objects.customer.email` (a property of the
 * object an object_reference parameter names, as it was before the effects), `objects.customer.id`,
 * `created.ticket.id` (an object created by an earlier effect with `as: "ticket"`), `actor.id`,
 * `actor.type`, `action.id`, `now`. Hand-written on purpose: this is a path lookup, not a template
 * language — no logic, no helpers, nothing a definition could use to run code.
 */
export interface TemplateScope {
  params: Record<string, unknown>;
  objects: Record<string, { id: string; properties: Record<string, unknown> } | null>;
  created: Record<string, { id: string }>;
  actor: { type: string; id: string };
  action: { id: string };
  now: string;
}

const WHOLE = /^\{\{\s*([A-Za-z0-9_.]+)\s*\}\}$/;
const INLINE = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;
const PATH = /^(params\.[A-Za-z0-9_]+|objects\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+|created\.[A-Za-z0-9_]+\.id|actor\.(id|type)|action\.id|now)$/;

export class TemplateError extends Error {
  constructor(
    readonly expression: string,
    message: string,
  ) {
    super(message);
  }
}

/** Every `{{expr}}` in a template (to check a definition when it is saved). */
export function templateExpressions(template: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown) => {
    if (typeof value === 'string') for (const match of value.matchAll(INLINE)) found.push(match[1] as string);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(template);
  return found;
}

export function isValidExpression(expression: string): boolean {
  return PATH.test(expression);
}

function lookup(expression: string, scope: TemplateScope): unknown {
  if (!PATH.test(expression)) throw new TemplateError(expression, `{{${expression}}} is not a known expression`);
  const [root, name, field] = expression.split('.') as [string, string | undefined, string | undefined];
  switch (root) {
    case 'params':
      return scope.params[name as string] ?? null;
    case 'objects': {
      const object = scope.objects[name as string];
      if (!object) throw new TemplateError(expression, `{{${expression}}}: parameter ${name} names no object`);
      return field === 'id' ? object.id : (object.properties[field as string] ?? null);
    }
    case 'created': {
      const created = scope.created[name as string];
      if (!created) throw new TemplateError(expression, `{{${expression}}}: no earlier effect created an object as ${name}`);
      return created.id;
    }
    case 'actor':
      return name === 'id' ? scope.actor.id : scope.actor.type;
    case 'action':
      return scope.action.id;
    default:
      return scope.now;
  }
}

/** Resolves a template against the scope (pure; throws {@link TemplateError} on an unknown reference). */
export function renderTemplate(template: unknown, scope: TemplateScope): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template);
    if (whole) return lookup(whole[1] as string, scope);
    return template.replace(INLINE, (_match, expression: string) => {
      const value = lookup(expression, scope);
      return value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    });
  }
  if (Array.isArray(template)) return template.map((item) => renderTemplate(item, scope));
  if (template && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(template)) out[key] = renderTemplate(value, scope);
    return out;
  }
  return template;
}
