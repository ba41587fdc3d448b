import { describe, expect, it } from 'vitest';
import { ACTION_API_NAME, ACTION_DEFINITION_EXAMPLE, parseActionDefinition } from './ontology-action-definition';

describe('the action type editor', () => {
  it('accepts the example and checks the name', () => {
    const parsed = parseActionDefinition(ACTION_DEFINITION_EXAMPLE);
    expect(parsed.ok).toBe(true);
    expect(ACTION_API_NAME.test('refundOrder')).toBe(true);
    expect(ACTION_API_NAME.test('RefundOrder')).toBe(false);
  });

  it('explains a malformed definition', () => {
    expect(parseActionDefinition('{')).toMatchObject({ ok: false, problem: expect.stringContaining('Not valid JSON') });
    expect(parseActionDefinition('[]')).toMatchObject({ ok: false, problem: expect.stringContaining('JSON object') });
    expect(parseActionDefinition('{"effects": [], "x": 1}')).toEqual({ ok: false, problem: 'Unknown key: x (allowed: parameters, criteria, effects, approval).' });
    expect(parseActionDefinition('{"effects": []}')).toEqual({ ok: false, problem: 'List at least one effect under "effects".' });
    expect(parseActionDefinition('{"effects": [{"kind": "emitEvent"}], "criteria": {}}')).toEqual({ ok: false, problem: '"criteria" must be a list.' });
  });
});
