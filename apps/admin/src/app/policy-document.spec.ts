import { describe, expect, it } from 'vitest';
import { describeRulePath, parsePolicyText } from './policy-document';

describe('policy editor text', () => {
  it('accepts a JSON array of rules', () => {
    expect(parsePolicyText('[{"roles":["viewer"],"action":"read","subject":"Purpose"}]')).toEqual({
      ok: true,
      rules: [{ roles: ['viewer'], action: 'read', subject: 'Purpose' }],
    });
    expect(parsePolicyText(' [] ')).toEqual({ ok: true, rules: [] });
  });

  it('explains empty text, broken JSON and a document that is not an array', () => {
    expect(parsePolicyText('  ')).toMatchObject({ ok: false, message: expect.stringContaining('empty') });
    expect(parsePolicyText('[{"roles": }]')).toMatchObject({ ok: false, message: expect.stringContaining('Not valid JSON') });
    expect(parsePolicyText('{"roles":[]}')).toMatchObject({ ok: false, message: expect.stringContaining('JSON array of rules') });
  });
});

describe('describeRulePath', () => {
  it('names the rule (1-based) and the field of an issue path', () => {
    expect(describeRulePath('0.subject')).toBe('Rule 1 › subject');
    expect(describeRulePath('2.roles.0')).toBe('Rule 3 › roles[0]');
    expect(describeRulePath('4')).toBe('Rule 5');
    expect(describeRulePath('(root)')).toBe('The policy');
    expect(describeRulePath('comment')).toBe('comment');
  });
});
