import type { ChatStreamEvent } from '../providers/model-provider';
import { toAnthropicStopReason, toAnthropicUsage } from './anthropic-messages.translation';

/** One Anthropic SSE event: its name and its JSON data. */
export interface AnthropicEvent {
  event: string;
  data: string;
}

/**
 * Turns the gateway's stream events into Anthropic's Messages stream: `message_start`, then per
 * content block `content_block_start` / `content_block_delta`s / `content_block_stop` (text blocks
 * and `tool_use` blocks with `input_json_delta`s), then `message_delta` (stop reason and usage) and
 * `message_stop`. The gateway's tool-call deltas are indexed per call, Anthropic's blocks are
 * sequential; providers stream one call after another, so a call's block stays open until the
 * next block starts.
 */
export class AnthropicStreamEncoder {
  private id: string;
  private model: string;
  private started = false;
  private blockCount = 0;
  /** The open block: text, or the tool call with this gateway index. */
  private open: { kind: 'text' } | { kind: 'tool'; toolIndex: number } | null = null;

  constructor(fallbackId: string, requestedModel: string) {
    this.id = fallbackId;
    this.model = requestedModel;
  }

  encode(event: ChatStreamEvent): AnthropicEvent[] {
    switch (event.type) {
      case 'start':
        this.id = event.id || this.id;
        this.model = event.model || this.model;
        return this.ensureStarted();
      case 'text-delta': {
        const out = this.ensureStarted();
        if (this.open?.kind !== 'text') out.push(...this.startBlock({ kind: 'text' }, { type: 'text', text: '' }));
        out.push(this.delta({ type: 'text_delta', text: event.text }));
        return out;
      }
      case 'tool-call-delta': {
        const out = this.ensureStarted();
        if (this.open?.kind !== 'tool' || this.open.toolIndex !== event.index) {
          out.push(...this.startBlock({ kind: 'tool', toolIndex: event.index }, { type: 'tool_use', id: event.id ?? `toolu_${event.index}`, name: event.name ?? '', input: {} }));
        }
        if (event.argumentsDelta) out.push(this.delta({ type: 'input_json_delta', partial_json: event.argumentsDelta }));
        return out;
      }
      case 'finish': {
        const out = [...this.ensureStarted(), ...this.stopBlock()];
        out.push(
          named('message_delta', {
            type: 'message_delta',
            delta: { stop_reason: toAnthropicStopReason(event.finishReason), stop_sequence: null },
            usage: toAnthropicUsage(event.usage),
          }),
        );
        out.push(named('message_stop', { type: 'message_stop' }));
        return out;
      }
    }
  }

  private ensureStarted(): AnthropicEvent[] {
    if (this.started) return [];
    this.started = true;
    return [
      named('message_start', {
        type: 'message_start',
        message: {
          id: this.id,
          type: 'message',
          role: 'assistant',
          model: this.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          // Input tokens are known once the provider reports usage, in message_delta.
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      }),
    ];
  }

  private startBlock(open: NonNullable<AnthropicStreamEncoder['open']>, block: Record<string, unknown>): AnthropicEvent[] {
    const out = this.stopBlock();
    this.open = open;
    out.push(named('content_block_start', { type: 'content_block_start', index: this.blockCount, content_block: block }));
    return out;
  }

  private stopBlock(): AnthropicEvent[] {
    if (!this.open) return [];
    this.open = null;
    const index = this.blockCount;
    this.blockCount += 1;
    return [named('content_block_stop', { type: 'content_block_stop', index })];
  }

  private delta(delta: Record<string, unknown>): AnthropicEvent {
    return named('content_block_delta', { type: 'content_block_delta', index: this.blockCount, delta });
  }
}

function named(event: string, data: Record<string, unknown>): AnthropicEvent {
  return { event, data: JSON.stringify(data) };
}
