import type { ChatMessage } from '@strata/model-gateway';
import type { ContextItemReport, ConversationMessage } from './context-assembly.contract';
import type { ContextTokenizer } from './context-tokenizer';

/**
 * Chooses which conversation messages fit a token budget. Pure: the assembler gives it the
 * messages after the compaction watermark and the budgets; it returns the messages to send and a
 * report item for every message.
 *
 * Rules:
 * - Messages are grouped into units: an assistant message that calls tools, together with the
 *   tool results answering its calls, is one unit; every other message is a unit of its own. A
 *   unit is kept or dropped whole, because a provider rejects a tool result without its call (and
 *   OpenAI an assistant tool call without its results).
 * - Newest units first; the first unit that does not fit ends the window (older ones are dropped
 *   too, so the model never sees a conversation with a hole in the middle).
 * - Tool results have their own budget (the `tool_results` source): newest first, a result over
 *   that budget keeps its place (pairing) but its content is replaced by a short note. A unit that
 *   does not fit the conversation budget is also tried with its tool results elided.
 * - A tool result whose call is not in the conversation (compacted away, or a malformed history)
 *   is dropped as an orphan.
 */
export interface ConversationWindowInput {
  messages: readonly ConversationMessage[];
  tokenizer: ContextTokenizer;
  /** Tokens the conversation (tool results included) may use. */
  budget: number;
  /** Tokens tool-result contents may use; null: no separate limit. */
  toolResultsBudget: number | null;
}

export interface ConversationWindow {
  messages: ChatMessage[];
  conversationItems: ContextItemReport[];
  toolResultItems: ContextItemReport[];
  conversationTokens: number;
  toolResultTokens: number;
  /** Seq of the oldest message kept (null: none kept). */
  oldestKeptSeq: number | null;
  /** Messages dropped for the budget (not orphans): what compaction could summarise. */
  droppedForBudget: number;
}

/** What replaces a tool result over the tool_results budget; the call stays answered. */
export const ELIDED_TOOL_RESULT = '[tool result omitted from the context: over the tool_results token budget]';

interface Unit {
  members: ConversationMessage[];
}

export function conversationWindow(input: ConversationWindowInput): ConversationWindow {
  const { tokenizer } = input;
  const orphans = new Set<string>();
  const units = groupUnits(input.messages, orphans);

  const kept: Array<{ unit: Unit; messages: ChatMessage[]; elided: Set<string> }> = [];
  const decided = new Map<string, ContextItemReport>();
  let conversationTokens = 0;
  let toolResultTokens = 0;
  let closed = false;
  let droppedForBudget = 0;

  for (let index = units.length - 1; index >= 0; index--) {
    const unit = units[index] as Unit;
    if (closed) {
      droppedForBudget += unit.members.length;
      for (const member of unit.members) decided.set(member.id, item(member, tokenizer.message(member.message), false, 'older than a turn that did not fit the conversation budget'));
      continue;
    }
    // Tool results newest first against their own budget.
    const elided = new Set<string>();
    let unitToolTokens = 0;
    for (const member of [...unit.members].reverse()) {
      if (member.message.role !== 'tool') continue;
      const tokens = tokenizer.message(member.message);
      if (input.toolResultsBudget !== null && toolResultTokens + unitToolTokens + tokens > input.toolResultsBudget) elided.add(member.id);
      else unitToolTokens += tokens;
    }
    let attempt = render(unit, elided, tokenizer);
    if (conversationTokens + attempt.tokens > input.budget && unit.members.some((member) => member.message.role === 'tool' && !elided.has(member.id))) {
      // Try the unit with all its tool results elided before giving up on it.
      const allElided = new Set(unit.members.filter((member) => member.message.role === 'tool').map((member) => member.id));
      const smaller = render(unit, allElided, tokenizer);
      if (conversationTokens + smaller.tokens <= input.budget) {
        for (const id of allElided) elided.add(id);
        attempt = smaller;
        unitToolTokens = 0;
      }
    }
    if (conversationTokens + attempt.tokens > input.budget) {
      closed = true;
      droppedForBudget += unit.members.length;
      for (const member of unit.members) decided.set(member.id, item(member, tokenizer.message(member.message), false, 'over the conversation token budget (newest turns are kept first)'));
      continue;
    }
    conversationTokens += attempt.tokens;
    toolResultTokens += attempt.toolTokens;
    kept.push({ unit, messages: attempt.messages, elided });
    for (let position = 0; position < unit.members.length; position++) {
      const member = unit.members[position] as ConversationMessage;
      const tokens = tokenizer.message(attempt.messages[position] as ChatMessage);
      // An elided result is still sent (as the note), so it is reported included with the note's tokens.
      const reason = elided.has(member.id)
        ? `content (${tokenizer.message(member.message)} tokens) replaced by a note: over the tool_results token budget; the call stays answered`
        : unit.members.length > 1
          ? 'recent turn (tool call and its results kept together)'
          : 'recent turn';
      decided.set(member.id, item(member, tokens, true, reason));
    }
  }

  kept.reverse();
  const conversationItems: ContextItemReport[] = [];
  const toolResultItems: ContextItemReport[] = [];
  for (const message of input.messages) {
    const report = orphans.has(message.id)
      ? item(message, tokenizer.message(message.message), false, 'tool result without its tool call in the conversation (a provider would reject it)')
      : decided.get(message.id);
    if (!report) continue;
    (message.message.role === 'tool' ? toolResultItems : conversationItems).push(report);
  }
  const messages = kept.flatMap((entry) => entry.messages);
  const oldest = kept[0]?.unit.members[0];
  return {
    messages,
    conversationItems,
    toolResultItems,
    conversationTokens: conversationTokens - toolResultTokens,
    toolResultTokens,
    oldestKeptSeq: oldest ? oldest.seq : null,
    droppedForBudget,
  };
}

function groupUnits(messages: readonly ConversationMessage[], orphans: Set<string>): Unit[] {
  const units: Unit[] = [];
  let open: { unit: Unit; pending: Set<string> } | null = null;
  for (const message of messages) {
    const chat = message.message;
    if (chat.role === 'tool') {
      if (open && open.pending.has(chat.toolCallId)) {
        open.pending.delete(chat.toolCallId);
        open.unit.members.push(message);
      } else {
        orphans.add(message.id);
      }
      continue;
    }
    const unit: Unit = { members: [message] };
    units.push(unit);
    open = chat.role === 'assistant' && chat.toolCalls?.length ? { unit, pending: new Set(chat.toolCalls.map((call) => call.id)) } : null;
  }
  return units;
}

function render(unit: Unit, elided: ReadonlySet<string>, tokenizer: ContextTokenizer): { messages: ChatMessage[]; tokens: number; toolTokens: number } {
  const messages: ChatMessage[] = [];
  let tokens = 0;
  let toolTokens = 0;
  for (const member of unit.members) {
    const chat = member.message;
    const message: ChatMessage = chat.role === 'tool' && elided.has(member.id) ? { role: 'tool', toolCallId: chat.toolCallId, content: ELIDED_TOOL_RESULT } : chat;
    const count = tokenizer.message(message);
    tokens += count;
    if (message.role === 'tool') toolTokens += count;
    messages.push(message);
  }
  return { messages, tokens, toolTokens };
}

function item(message: ConversationMessage, tokens: number, included: boolean, reason: string): ContextItemReport {
  return { id: message.id, kind: message.message.role === 'tool' ? 'tool_result' : `${message.message.role}_message`, tokens, included, reason };
}
