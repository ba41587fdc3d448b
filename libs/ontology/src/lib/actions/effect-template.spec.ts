import { describe, expect, it } from 'vitest';
import { renderTemplate, TemplateError, templateExpressions, type TemplateScope } from './effect-template';

const scope: TemplateScope = {
  params: { amount: 12.5, note: 'hi' },
  objects: { order: { id: 'o1', properties: { status: 'open', total: 40 } } },
  created: { ticket: { id: 't1' } },
  actor: { type: 'user', id: 'u1' },
  action: { id: 'a1' },
  now: '2026-01-01T00:00:00.000Z',
};

describe('effect templates', () => {
  it('keeps the type of a whole-value reference and interpolates text', () => {
    expect(renderTemplate({ amount: '{{params.amount}}', label: 'Refund {{params.amount}} on {{objects.order.id}} by {{actor.id}}' }, scope)).toEqual({
      amount: 12.5,
      label: 'Refund 12.5 on o1 by u1',
    });
    expect(renderTemplate(['{{objects.order.total}}', '{{created.ticket.id}}', '{{now}}', 7], scope)).toEqual([40, 't1', '2026-01-01T00:00:00.000Z', 7]);
  });

  it('refuses unknown expressions and missing objects', () => {
    expect(() => renderTemplate('{{process.env.SECRET}}', scope)).toThrow(TemplateError);
    expect(() => renderTemplate('{{created.other.id}}', scope)).toThrow(/no earlier effect/);
  });

  it('lists the expressions of a template', () => {
    expect(templateExpressions({ a: ['{{params.x}}', { b: 'x {{ now }} y' }] })).toEqual(['params.x', 'now']);
  });
});
