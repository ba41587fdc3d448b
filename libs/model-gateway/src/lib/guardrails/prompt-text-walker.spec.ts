import { describe, expect, it } from 'vitest';
import { rewritePromptText } from './prompt-text-walker';

/** Upper-cases visited text and records the paths. */
function walk<T>(value: T): { value: T; paths: string[] } {
  const paths: string[] = [];
  const result = rewritePromptText(value, (text, path) => {
    paths.push(path);
    return text.toUpperCase();
  });
  return { value: result, paths };
}

describe('rewritePromptText', () => {
  it('visits the content of an internal chat request, not its model, roles, tools or format', () => {
    const signal = new AbortController().signal;
    const request = {
      model: 'gpt-x',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'hello' }, { type: 'image', url: 'https://x/y.png' }] },
        { role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'lookup', arguments: '{"q":"x"}' }] },
        { role: 'tool', toolCallId: 'c1', content: 'result' },
      ],
      tools: [{ name: 'lookup', description: 'desc', parameters: { type: 'object' } }],
      responseFormat: { type: 'json_schema', name: 'n', schema: {} },
      signal,
    };
    const { value, paths } = walk(request);
    expect(paths).toEqual(['messages[0].content', 'messages[1].content[0].text', 'messages[2].toolCalls[0].arguments', 'messages[3].content']);
    expect(value.messages[1]).toEqual({ role: 'user', content: [{ type: 'text', text: 'HELLO' }, { type: 'image', url: 'https://x/y.png' }] });
    expect(value.model).toBe('gpt-x');
    expect(value.tools).toBe(request.tools);
    expect(value.signal).toBe(signal);
    expect(request.messages[0]?.content).toBe('be brief');
  });

  it('visits raw OpenAI and Anthropic bodies', () => {
    const openai = {
      model: 'gpt-4.1',
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { description: 'keep' } } },
    };
    expect(walk(openai).paths).toEqual(['messages[0].content', 'messages[1].tool_calls[0].function.arguments']);
    const anthropic = {
      model: 'claude',
      system: [{ type: 'text', text: 'sys' }],
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: [{ type: 'text', text: 'r' }] }] }],
      tools: [{ name: 't', input_schema: { description: 'keep' } }],
    };
    expect(walk(anthropic).paths).toEqual(['system[0].text', 'messages[0].content[0].content[0].text']);
  });

  it('visits embedding inputs', () => {
    expect(walk({ model: 'e', input: ['a', 'b'] }).paths).toEqual(['input[0]', 'input[1]']);
    expect(walk({ model: 'e', input: 'one' }).paths).toEqual(['input']);
  });

  it('returns the same object when nothing changes', () => {
    const request = { messages: [{ role: 'user', content: 'ABC' }] };
    expect(walk(request).value).toBe(request);
  });
});
