/**
 * The comparison half of the context benchmark: the same scripted task through Mastra's agent loop
 * (`@mastra/core` Agent), with an in-process mock model (AI SDK LanguageModelV2, answering at once)
 * and an in-memory tool, so what is measured is Mastra's own per-step work.
 */
import { Agent } from '@mastra/core/agent';
import { createTool } from '@mastra/core/tools';
import { z } from 'zod';

export interface MastraStep {
  stepMs: number;
  modelMs: number;
  toolMs: number;
}

export interface MastraRunTiming {
  totalMs: number;
  steps: MastraStep[];
}

/** A model that calls `lookup` on every step until `toolSteps` calls were made, then answers. */
function scriptedModel(toolSteps: number, timing: { modelMs: number }) {
  let calls = 0;
  const stream = (parts: unknown[]) =>
    new ReadableStream({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    });
  return {
    specificationVersion: 'v2' as const,
    provider: 'bench-mock',
    modelId: 'bench-mock',
    supportedUrls: {},
    async doGenerate() {
      const started = performance.now();
      const step = calls;
      calls += 1;
      const usage = { inputTokens: 20, outputTokens: 8, totalTokens: 28 };
      const result =
        step < toolSteps
          ? { content: [{ type: 'tool-call', toolCallId: `call_${step}`, toolName: 'lookup', input: JSON.stringify({ key: `k${step}` }) }], finishReason: 'tool-calls', usage, warnings: [] }
          : { content: [{ type: 'text', text: 'Done.' }], finishReason: 'stop', usage, warnings: [] };
      timing.modelMs += performance.now() - started;
      return { ...result, request: {}, response: { id: `r${step}`, modelId: 'bench-mock', timestamp: new Date(0), headers: {} } };
    },
    async doStream() {
      const started = performance.now();
      const step = calls;
      calls += 1;
      const usage = { inputTokens: 20, outputTokens: 8, totalTokens: 28 };
      const head = [{ type: 'stream-start', warnings: [] }, { type: 'response-metadata', id: `r${step}`, modelId: 'bench-mock', timestamp: new Date(0) }];
      const parts =
        step < toolSteps
          ? [...head, { type: 'tool-call', toolCallId: `call_${step}`, toolName: 'lookup', input: JSON.stringify({ key: `k${step}` }) }, { type: 'finish', finishReason: 'tool-calls', usage }]
          : [...head, { type: 'text-start', id: 't' }, { type: 'text-delta', id: 't', delta: 'Done.' }, { type: 'text-end', id: 't' }, { type: 'finish', finishReason: 'stop', usage }];
      const result = { stream: stream(parts), request: {}, response: { headers: {} } };
      timing.modelMs += performance.now() - started;
      return result;
    },
  };
}

export async function runMastraTask(steps: number): Promise<MastraRunTiming> {
  const timing = { modelMs: 0, toolMs: 0 };
  const lookup = createTool({
    id: 'lookup',
    description: 'Looks a key up.',
    inputSchema: z.object({ key: z.string() }),
    outputSchema: z.object({ key: z.string(), value: z.string() }),
    execute: async (input) => {
      const started = performance.now();
      const key = (input as { key?: string }).key ?? 'missing';
      const result = { key, value: `value of ${key}` };
      timing.toolMs += performance.now() - started;
      return result;
    },
  });
  const agent = new Agent({
    id: 'bench-agent',
    name: 'bench-agent',
    instructions: 'Look keys up, then answer.',
    model: scriptedModel(steps - 1, timing) as never,
    tools: { lookup },
  });
  const measured: MastraStep[] = [];
  const started = performance.now();
  let stepStarted = started;
  let modelBefore = 0;
  let toolBefore = 0;
  const output = await agent.generate('Look up the keys.', {
    maxSteps: steps + 1,
    onStepFinish: () => {
      const now = performance.now();
      measured.push({ stepMs: now - stepStarted, modelMs: timing.modelMs - modelBefore, toolMs: timing.toolMs - toolBefore });
      stepStarted = now;
      modelBefore = timing.modelMs;
      toolBefore = timing.toolMs;
    },
  } as never);
  const totalMs = performance.now() - started;
  const made = (output as { steps?: unknown[] }).steps?.length ?? 0;
  if (made !== steps || measured.length !== steps) throw new Error(`Mastra ran ${made} steps (${measured.length} reported), expected ${steps}`);
  return { totalMs, steps: measured };
}
