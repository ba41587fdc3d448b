import { describe, expect, it } from 'vitest';
import { AlternatingTurns } from './alternating-turns';

describe('AlternatingTurns', () => {
  it('merges consecutive blocks of one role into one turn and keeps the order', () => {
    const turns = new AlternatingTurns<'user' | 'assistant', string>();
    turns.push('user', ['question']);
    turns.push('assistant', ['calls a tool']);
    turns.push('user', ['tool result']);
    turns.push('user', ['follow-up', 'image']);
    expect(turns.map((role, blocks) => ({ role, blocks }))).toEqual([
      { role: 'user', blocks: ['question'] },
      { role: 'assistant', blocks: ['calls a tool'] },
      { role: 'user', blocks: ['tool result', 'follow-up', 'image'] },
    ]);
  });

  it('never changes the arrays it was given', () => {
    const first = ['a'];
    const turns = new AlternatingTurns<'user', string>();
    turns.push('user', first);
    turns.push('user', ['b']);
    expect(first).toEqual(['a']);
  });
});
