import type { WireFormat } from '../providers/model-provider';

/** A non-streamed body larger than this is forwarded but not parsed for usage (it is then estimated). */
const MAX_PARSED_BODY_BYTES = 8 * 1024 * 1024;
/** Longest SSE line kept while waiting for its end. */
const MAX_SSE_LINE_CHARS = 1024 * 1024;

export interface MeteredUsage {
  inputTokens?: number;
  outputTokens?: number;
}

/**
 * Reads token usage out of a passthrough response as its bytes go by, without holding the stream
 * back: OpenAI chat completions report `usage.prompt_tokens/completion_tokens` (in the last SSE
 * chunk when the client asked for `stream_options.include_usage`), Anthropic Messages report
 * `usage.input_tokens` (in `message_start` when streaming) and `usage.output_tokens` (in
 * `message_delta`). Whatever the provider did not report stays undefined; the caller estimates it.
 */
export class PassthroughUsageMeter {
  private readonly decoder = new TextDecoder();
  private pending = '';
  private bodyBytes = 0;
  private readonly body: string[] = [];
  readonly usage: MeteredUsage = {};

  constructor(
    private readonly format: WireFormat,
    private readonly streamed: boolean,
  ) {}

  observe(chunk: Uint8Array): void {
    const text = this.decoder.decode(chunk, { stream: true });
    if (!this.streamed) {
      this.bodyBytes += chunk.byteLength;
      if (this.bodyBytes <= MAX_PARSED_BODY_BYTES) this.body.push(text);
      return;
    }
    this.pending += text;
    let newline = this.pending.indexOf('\n');
    while (newline >= 0) {
      this.line(this.pending.slice(0, newline));
      this.pending = this.pending.slice(newline + 1);
      newline = this.pending.indexOf('\n');
    }
    if (this.pending.length > MAX_SSE_LINE_CHARS) this.pending = '';
  }

  finish(): MeteredUsage {
    const rest = this.decoder.decode();
    if (this.streamed) {
      this.line(this.pending + rest);
      this.pending = '';
    } else if (this.bodyBytes <= MAX_PARSED_BODY_BYTES) {
      this.take(parse(this.body.join('') + rest));
    }
    return this.usage;
  }

  private line(line: string): void {
    if (!line.startsWith('data:') || !line.includes('"usage"')) return;
    this.take(parse(line.slice(5).trim()));
  }

  private take(value: unknown): void {
    if (!value || typeof value !== 'object') return;
    const event = value as { usage?: Record<string, unknown>; message?: { usage?: Record<string, unknown> } };
    const usage = event.usage ?? event.message?.usage;
    if (!usage) return;
    const input = this.format === 'openai-chat' ? usage['prompt_tokens'] : usage['input_tokens'];
    const output = this.format === 'openai-chat' ? usage['completion_tokens'] : usage['output_tokens'];
    if (typeof input === 'number' && (this.format === 'openai-chat' || input > 0 || this.usage.inputTokens === undefined)) this.usage.inputTokens = input;
    if (typeof output === 'number') this.usage.outputTokens = output;
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
