import { describe, expect, it } from 'vitest';
import { fieldsFromSpec, lineOfPath, parseSpecText, placeSpecIssues, specText, starterSpec, withField } from './context-agent-form';

describe('agent editor helpers', () => {
  it('round-trips the main fields between the form and the spec JSON', () => {
    const spec = starterSpec('fast', 'support');
    expect(fieldsFromSpec(spec)).toMatchObject({ modelAlias: 'fast', defaultPurpose: 'support', maxSteps: '10', busyPolicy: 'queue' });
    const edited = withField(withField(spec, 'modelAlias', 'reasoning'), 'maxSteps', '4');
    expect(edited).toMatchObject({ model: { alias: 'reasoning' }, limits: { maxSteps: 4 } });
    // The original is untouched (the editor keeps undo-able states).
    expect(spec).toMatchObject({ model: { alias: 'fast' }, limits: { maxSteps: 10 } });
  });

  it('creates missing parents, keeps a non-number as typed for the API to refuse, and clears an empty number', () => {
    const spec = withField({ instructions: 'x' }, 'maxSteps', 'ten');
    expect(spec).toEqual({ instructions: 'x', limits: { maxSteps: 'ten' } });
    expect(withField(spec, 'maxSteps', '')).toEqual({ instructions: 'x', limits: {} });
  });

  it('parses the JSON text and says where a syntax error is', () => {
    expect(parseSpecText('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    const broken = parseSpecText('{\n  "a": 1,\n  "b": \n}');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.problem).toMatch(/line 4/);
    expect(parseSpecText('[1]')).toEqual({ ok: false, problem: 'The spec must be a JSON object.' });
  });

  it('finds the line of a path, or of its nearest parent', () => {
    const text = specText({ instructions: 'x', model: { alias: 'fast' }, tools: [{ kind: 'builtin', tool: 'ontology.query' }, { kind: 'nope' }] });
    expect(lineOfPath(text, 'model.alias')).toBe(4);
    expect(lineOfPath(text, 'tools.1.kind')).toBe(12);
    expect(lineOfPath(text, 'limits.maxSteps')).toBe(1);
    expect(lineOfPath(text, '(root)')).toBe(1);
  });

  it('puts API issues on their form fields and lists every one at its path and line', () => {
    const text = specText({ instructions: '', model: { alias: 'fast', temperature: 9 }, tools: [] });
    const placed = placeSpecIssues(
      [
        { path: 'instructions', message: 'Too small' },
        { path: 'model.temperature', message: 'Too big' },
        { path: 'model.alias', message: 'no model nope' },
      ],
      text,
    );
    expect(placed.fields).toEqual({ instructions: 'Too small', modelAlias: 'no model nope' });
    expect(placed.spec).toEqual([
      { path: 'instructions', message: 'Too small', line: 2 },
      { path: 'model.temperature', message: 'Too big', line: 5 },
      { path: 'model.alias', message: 'no model nope', line: 4 },
    ]);
  });
});
