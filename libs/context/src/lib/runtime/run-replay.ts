import { isDeepStrictEqual } from 'node:util';
import { Injectable } from '@nestjs/common';
import type { ChatMessage } from '@strata/model-gateway';
import { storedSpec } from '../agents/agent-record';
import type { ToolOutcome } from '../tools/tool.contract';
import { RunNotFinishedError } from './runtime.errors';
import { assistantMessageOf, idempotencyKeyOf, limitVerdict, toolMessageOf, withUntrustedNote, type RecordedModelOutput } from './run-transcript';
import { isTerminal, RuntimeRepository, type MessageRow } from './runtime.repository';
import { SessionsService } from './sessions.service';

export interface ReplayDifference {
  stepIndex: number | null;
  /** What differed: `assistant_message`, `tool_calls`, `tool_message`, `model_input`, `status`, `output`, `messages`. */
  field: string;
  expected: unknown;
  actual: unknown;
}

export interface ReplayReport {
  runId: string;
  status: string;
  steps: number;
  matched: boolean;
  stepResults: Array<{ index: number; matched: boolean }>;
  firstDifference: ReplayDifference | null;
  /** Always 0: replay reads recorded outputs only. */
  providerCalls: 0;
  toolExecutions: 0;
}

/**
 * Deterministic replay: re-runs the loop of a finished run from what it recorded (the messages
 * sent at each step, the model's answers, the tools' outcomes), calling no provider and no tool,
 * and checks that the loop's rules (run-transcript.ts, the same functions the runner used) produce
 * exactly what the run wrote: each assistant message, the tool calls, each wrapped tool message,
 * the next step's model input, and the final status and answer.
 */
@Injectable()
export class RunReplayer {
  constructor(
    private readonly sessions: SessionsService,
    private readonly repository: RuntimeRepository,
  ) {}

  async replay(runId: string): Promise<ReplayReport> {
    const run = await this.sessions.findRun(runId);
    await this.sessions.authorizeRun('replay', run);
    if (!isTerminal(run.status)) throw new RunNotFinishedError(runId, run.status);
    const spec = storedSpec(run.spec);
    const [steps, calls, conversation] = await Promise.all([this.repository.steps(runId), this.repository.toolCalls(runId), this.repository.conversation(run.sessionId)]);
    const produced = conversation.filter((row) => row.runId === runId && row.id !== run.inputMessageId);
    const cursor = new MessageCursor(produced);
    const stepResults: ReplayReport['stepResults'] = [];
    let first: ReplayDifference | null = null;
    const differ = (difference: ReplayDifference) => {
      first ??= difference;
      return false;
    };
    let previousProduced: ChatMessage[] = [];
    let counters = { steps: 0, tokens: 0, costUsd: 0, extraBudgetUsd: run.extraBudgetUsd, activeMs: 0 };

    for (const step of steps) {
      let matched = true;
      const input = step.messages as unknown as ChatMessage[];
      // The model input: the note rule holds, and the previous step's messages are in it.
      if (!isDeepStrictEqual(withUntrustedNote(input.filter((m) => !(m.role === 'system' && isNote(m)))), input)) {
        matched = differ({ stepIndex: step.index, field: 'model_input', expected: 'untrusted-output note before the conversation', actual: 'missing or misplaced' });
      }
      if (!containsInOrder(input, previousProduced)) {
        matched = differ({ stepIndex: step.index, field: 'model_input', expected: previousProduced, actual: input });
      }
      const output = step.output as unknown as RecordedModelOutput;
      const thisStep: ChatMessage[] = [];
      const assistant = assistantMessageOf(output);
      thisStep.push(assistant);
      const recordedAssistant = cursor.next();
      if (!isDeepStrictEqual(recordedAssistant, assistant)) matched = differ({ stepIndex: step.index, field: 'assistant_message', expected: assistant, actual: recordedAssistant });
      const stepCalls = calls.filter((call) => call.stepIndex === step.index);
      const expectedCalls = output.toolCalls.map((call) => ({ callId: call.id, name: call.name, arguments: call.arguments, key: idempotencyKeyOf(runId, step.index, call.id) }));
      const actualCalls = stepCalls.map((call) => ({ callId: call.callId, name: call.name, arguments: call.argumentsRaw, key: call.idempotencyKey }));
      if (!isDeepStrictEqual(expectedCalls, actualCalls)) matched = differ({ stepIndex: step.index, field: 'tool_calls', expected: expectedCalls, actual: actualCalls });
      for (const call of stepCalls) {
        if (call.status !== 'done' || !call.outcome) continue;
        const message = toolMessageOf(call.callId, call.outcome as unknown as ToolOutcome);
        thisStep.push(message);
        const recorded = cursor.next();
        if (!isDeepStrictEqual(recorded, message)) matched = differ({ stepIndex: step.index, field: 'tool_message', expected: message, actual: recorded });
      }
      previousProduced = thisStep;
      counters = { ...counters, steps: step.index + 1, tokens: counters.tokens + step.tokens, costUsd: counters.costUsd + step.costUsd };
      stepResults.push({ index: step.index, matched });
    }
    if (cursor.remaining() > 0) differ({ stepIndex: null, field: 'messages', expected: 'no further messages', actual: `${cursor.remaining()} more` });

    // The end: a final answer completes with its text; otherwise the limit rule must give the recorded status.
    const last = steps.at(-1);
    const lastOutput = last?.output as unknown as RecordedModelOutput | undefined;
    if (run.status === 'completed') {
      const expected = lastOutput && lastOutput.toolCalls.length === 0 ? lastOutput.content : undefined;
      if (expected !== run.output) differ({ stepIndex: last?.index ?? null, field: 'output', expected, actual: run.output });
    } else if (run.status === 'limit_exceeded') {
      const code = (run.reason as { code?: string } | null)?.code;
      if (code === 'context.max_steps' || code === 'context.max_tokens') {
        const verdict = limitVerdict(spec, { ...counters, activeMs: 0 });
        const expected = verdict.kind === 'limit_exceeded' ? verdict.code : 'ok';
        if (expected !== code) differ({ stepIndex: null, field: 'status', expected, actual: code });
      }
    } else if (lastOutput && lastOutput.toolCalls.length === 0 && run.status !== 'cancelled') {
      differ({ stepIndex: last?.index ?? null, field: 'status', expected: 'completed', actual: run.status });
    }
    return {
      runId,
      status: run.status,
      steps: steps.length,
      matched: first === null,
      stepResults,
      firstDifference: first,
      providerCalls: 0,
      toolExecutions: 0,
    };
  }
}

/** The previous step's messages reach the next model call in order (the assembler may put other context around them). */
function containsInOrder(input: ChatMessage[], wanted: ChatMessage[]): boolean {
  let at = 0;
  for (const message of input) if (at < wanted.length && isDeepStrictEqual(message, wanted[at])) at++;
  return at === wanted.length;
}

function isNote(message: ChatMessage): boolean {
  return message.role === 'system' && message.content.startsWith('Tool results arrive as JSON objects {"untrusted_tool_output"');
}

class MessageCursor {
  private index = 0;
  constructor(private readonly rows: MessageRow[]) {}
  next(): ChatMessage | undefined {
    return this.rows[this.index++]?.message as unknown as ChatMessage | undefined;
  }
  remaining(): number {
    return Math.max(0, this.rows.length - this.index);
  }
}
