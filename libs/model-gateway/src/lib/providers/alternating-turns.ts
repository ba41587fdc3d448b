/**
 * Chat APIs that reject two turns of the same role in a row (Anthropic Messages, Bedrock Converse,
 * Gemini) get consecutive blocks of one role merged into one turn, e.g. a tool result (sent as
 * user content) followed by the user's next words becomes a single user turn.
 */
export class AlternatingTurns<Role extends string, Block> {
  private readonly turns: Array<{ role: Role; blocks: Block[] }> = [];

  push(role: Role, blocks: readonly Block[]): void {
    const last = this.turns.at(-1);
    if (last && last.role === role) last.blocks.push(...blocks);
    else this.turns.push({ role, blocks: [...blocks] });
  }

  /** The turns in order, each as the provider's message shape. */
  map<T>(toMessage: (role: Role, blocks: Block[]) => T): T[] {
    return this.turns.map(({ role, blocks }) => toMessage(role, blocks));
  }
}
