import { describe, expect, it } from 'vitest';
import { expectedAgentVersion, parseAgentInput, parseAgentSpec, updateAgentSchema } from './agent-input';
import { InvalidAgentInputError, InvalidAgentSpecError } from './agents.errors';

function issuesOf(run: () => unknown): Array<{ path: string; message: string }> {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidAgentSpecError || error instanceof InvalidAgentInputError) return (error.details?.['issues'] ?? []) as Array<{ path: string; message: string }>;
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('agent input', () => {
  it('fills a minimal spec with its defaults', () => {
    const spec = parseAgentSpec({ instructions: 'Help.', model: { alias: 'fast' }, defaultPurpose: 'support' });
    expect(spec.limits).toEqual({ maxSteps: 25, maxTokens: 200_000, maxWallTimeMs: 1_800_000 });
    expect(spec.context.sources.map((source) => source.kind)).toEqual(['instructions', 'working_memory', 'long_term_memory', 'conversation', 'tool_results']);
    expect(spec.busyPolicy).toBe('queue');
  });

  it('reports every spec problem at its dotted path inside the spec', () => {
    const issues = issuesOf(() =>
      parseAgentSpec({
        instructions: '',
        model: { alias: 'fast', topP: 2 },
        defaultPurpose: 'support',
        tools: [{ kind: 'http', methods: ['TRACE'] }, { kind: 'nope' }],
        limits: { maxSteps: 1_000 },
      }),
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual(['instructions', 'limits.maxSteps', 'model.topP', 'tools.0.methods.0', 'tools.1.kind']);
  });

  it('names the root for a spec that is not an object, and unknown keys', () => {
    expect(issuesOf(() => parseAgentSpec('hello')).map((issue) => issue.path)).toEqual(['(root)']);
    expect(issuesOf(() => parseAgentSpec({ instructions: 'x', model: { alias: 'a' }, defaultPurpose: 'p', extra: 1 }))[0]?.message).toContain('extra');
  });

  it('rejects unknown body fields and bad names as invalid_agent', () => {
    expect(issuesOf(() => parseAgentInput(updateAgentSchema, { name: ' bad/name' })).map((issue) => issue.path)).toEqual(['name']);
    expect(issuesOf(() => parseAgentInput(updateAgentSchema, { version: 3 }))[0]?.path).toBe('(root)');
  });

  it('reads the expected version from If-Match or the body; both must agree, one is required', () => {
    expect(expectedAgentVersion(undefined, '"3"')).toBe(3);
    expect(expectedAgentVersion(undefined, 'W/"4"')).toBe(4);
    expect(expectedAgentVersion(5, undefined)).toBe(5);
    expect(expectedAgentVersion(5, '*')).toBe(5);
    expect(expectedAgentVersion(2, '2')).toBe(2);
    expect(issuesOf(() => expectedAgentVersion(undefined, undefined))[0]?.path).toBe('expectedVersion');
    expect(issuesOf(() => expectedAgentVersion(1, '"2"'))[0]?.message).toContain('disagree');
    expect(issuesOf(() => expectedAgentVersion(undefined, 'etag-xyz'))[0]?.path).toBe('If-Match');
  });
});
