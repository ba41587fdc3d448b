import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-client';
import { aliasDraftProblems, aliasFormKeys, aliasFromDraft, credentialMask, emptyAliasDraft, issuesByPath, parseList, weightShares } from './model-gateway-forms';

describe('alias form', () => {
  const models = ['flaky/gpt-x', 'steady/gpt-y'];

  it('accepts a fallback chain and builds the request body', () => {
    const draft = {
      ...emptyAliasDraft(),
      name: 'fast',
      targets: [
        { model: 'flaky/gpt-x', weight: '1' },
        { model: 'steady/gpt-y', weight: '3' },
      ],
      taskClasses: 'chat, summarise chat',
      zeroDataRetention: true,
    };
    expect(aliasDraftProblems(draft, models)).toEqual({});
    expect(aliasFromDraft(draft)).toEqual({
      name: 'fast',
      description: '',
      operation: 'chat',
      strategy: 'priority',
      targets: [
        { model: 'flaky/gpt-x', weight: 1 },
        { model: 'steady/gpt-y', weight: 3 },
      ],
      taskClasses: ['chat', 'summarise'],
      zeroDataRetention: true,
    });
  });

  it('keys problems like the API issue paths', () => {
    const draft = {
      ...emptyAliasDraft(),
      name: 'Fast!',
      targets: [
        { model: '', weight: '1' },
        { model: 'nope/x', weight: '0' },
        { model: 'steady/gpt-y', weight: '2' },
        { model: 'steady/gpt-y', weight: '2.5' },
      ],
      taskClasses: 'ok Bad!',
    };
    expect(aliasDraftProblems(draft, models)).toEqual({
      name: expect.stringContaining('lowercase'),
      'targets.0.model': 'Choose a model of the catalog.',
      'targets.1.model': 'nope/x is not in the catalog.',
      'targets.1.weight': 'A whole number from 1 to 1000.',
      'targets.3.model': 'Each model appears once in a route.',
      'targets.3.weight': 'A whole number from 1 to 1000.',
      taskClasses: 'Not a task class name: Bad!.',
    });
    expect(aliasDraftProblems({ ...draft, name: 'x', targets: [], taskClasses: '' }, models)).toEqual({ targets: 'Add at least one target model.' });
  });

  it('puts API issues on the most specific control', () => {
    const error = new ApiError(400, 'validation.failed', 'invalid', undefined, {
      issues: [
        { path: 'targets.1.weight', message: 'Too big' },
        { path: 'targets', message: 'Too many' },
        { path: 'name', message: 'Taken' },
        { path: 'name', message: 'second' },
        { path: 'extra.thing', message: 'Unknown' },
        { path: '(root)', message: 'Bad body' },
      ],
    });
    expect(issuesByPath(error, aliasFormKeys(2))).toEqual({
      fields: { 'targets.1.weight': 'Too big', targets: 'Too many', name: 'Taken' },
      other: ['extra.thing: Unknown', 'Bad body'],
    });
    expect(issuesByPath(new Error('x'), ['name'])).toEqual({ fields: {}, other: [] });
  });

  it('parses lists and weight shares', () => {
    expect(parseList(' a, b  a\nc ')).toEqual(['a', 'b', 'c']);
    expect(weightShares([{ model: 'a', weight: 1 }, { model: 'b', weight: 3 }])).toEqual([25, 75]);
    expect(weightShares([{ model: 'a', weight: 0 }])).toEqual([0]);
  });
});

describe('credentialMask', () => {
  it('shows only the hint the API gives', () => {
    expect(credentialMask('abcd')).toBe('••••abcd');
    expect(credentialMask('…abcd')).toBe('••••abcd');
    expect(credentialMask(null)).toBe('•••• (set)');
  });
});
