import { Injectable } from '@nestjs/common';
import { withSpan } from '@strata/kernel';
import { ModelGateway, type ChatMessage } from '@strata/model-gateway';
import type { AgentSpec, ContextSource, ContextSourceKind } from '../agents/agent-spec';
import { ContextError } from '../context.errors';
import { MemoryService } from '../memory/memory.service';
import type { MemoryView, RecalledMemory } from '../memory/memory-view';
import type {
  AssembledContext,
  AssemblyInput,
  ContextAssemblerApi,
  ContextItemReport,
  ContextReport,
  ContextSourceReport,
  ConversationMessage,
} from './context-assembly.contract';
import { fillSection, failedSection, errorOf, SECTION_HEADERS, type FilledSection, type SourceCandidate } from './context-sections';
import { MESSAGE_FRAMING_TOKENS, REPLY_PRIMING_TOKENS, tokenizerFor, type ContextTokenizer } from './context-tokenizer';
import { ConversationCompactor } from './conversation-compactor';
import { conversationWindow, type ConversationWindow } from './conversation-window';
import { OntologyContextSource } from './ontology-context-source';
import { RetrievalContextSource } from './retrieval-context-source';

/** The instructions or the newest turn alone exceed the budget: the step cannot be assembled. */
export class ContextBudgetTooSmallError extends ContextError {
  constructor(message: string, details: Record<string, unknown>) {
    super('context.context_budget_too_small', 'failed_precondition', message, { details });
  }
}

/** After a failed summary call, the session's steps go on without compaction this long before it is tried again. */
const COMPACTION_RETRY_AFTER_MS = 60_000;

/** Runs whose recall (and sessions whose failed compaction) are kept in memory at once. */
const RECALL_CACHE_ENTRIES = 1_000;

interface Compaction {
  summarizedMessages: number;
  throughSeq: number;
  summaryMemoryId: string;
  summaryTokens: number;
}

/**
 * Assembles the context of one step (ContextAssemblerApi): the sources of the spec in its order,
 * within a token budget per source and overall, counted with the model family's tokenizer.
 *
 * Budget: `spec.context.maxTokens` minus the tool schemas, the reply priming and the system
 * message's framing. The instructions come first and must fit. The other sources except the
 * conversation are filled next, in the spec's order, each up to its `maxTokens` and what is left;
 * the conversation (with tool results, which travel in it) gets the rest, newest turns first.
 * What does not fit is left out and reported with the reason.
 *
 * Output: one system message (instructions, then a section per source in the spec's order, then
 * the summary of compacted turns), followed by the conversation window (see conversation-window.ts:
 * a tool call and its results are never split). Compaction: when turns older than the newest
 * `keepRecentTurns` do not fit, they are summarised through the gateway and the summary replaces them
 * from then on (ConversationCompactor, the session's watermark). A failing source (retrieval down,
 * compaction failed) is reported with its error; the step goes on without it.
 *
 * Called by the runtime outside any transaction (it calls the gateway and writes memories).
 */
@Injectable()
export class ContextAssembler implements ContextAssemblerApi {
  /**
   * Recalled memories per run and query: the steps of one run after a user message share its
   * query, so they share one recall (one embedding, one search, one data-access record) instead of
   * repeating it per tool step. A fact remembered during the run is in its conversation already.
   * Oldest entries are dropped beyond RECALL_CACHE_ENTRIES; a resumed run on another process recalls afresh.
   */
  private readonly recallsOfRuns = new Map<string, RecalledMemory[]>();
  /** Sessions whose summary call failed: not retried (not paid for) at every step for a while. */
  /**
   * The session's episode summary as this run last read or wrote it (keyed by run and session). A
   * session runs one run at a time and only its assembly writes the summary, so a run reads it
   * once, not once per step; a resumed run on another process reads afresh. (A summary its user
   * deletes while the run is going stays in that run's context until the run ends.)
   */
  private readonly summariesOfRuns = new Map<string, MemoryView | null>();
  private readonly compactionFailures = new Map<string, { untilMs: number; error: { code: string; message: string } }>();

  constructor(
    private readonly gateway: ModelGateway,
    private readonly memory: MemoryService,
    private readonly compactor: ConversationCompactor,
    private readonly ontology: OntologyContextSource,
    private readonly retrieval: RetrievalContextSource,
  ) {}

  assemble(input: AssemblyInput): Promise<AssembledContext> {
    return withSpan('context.assemble', { 'strata.agent.id': input.agentId, 'strata.run.id': input.runId, 'strata.run.step': input.stepIndex }, async (span) => {
      const assembled = await this.build(input);
      span.setAttribute('strata.context.tokens', assembled.report.totalTokens);
      span.setAttribute('strata.context.budget_tokens', assembled.report.budgetTokens);
      return assembled;
    });
  }

  private async build(input: AssemblyInput): Promise<AssembledContext> {
    const { spec } = input;
    const tokenizer = await this.tokenizer(spec.model.alias);
    const toolSchemaTokens = tokenizer.tools(input.tools);
    const budgetTokens = spec.context.maxTokens;
    const available = budgetTokens - toolSchemaTokens - REPLY_PRIMING_TOKENS - MESSAGE_FRAMING_TOKENS;
    const sources = orderedSources(spec);

    // Instructions: first, whole, or the step cannot run.
    const instructionsSource = sources.find((source) => source.kind === 'instructions');
    const instructionsTokens = tokenizer.text(spec.instructions);
    const instructionsLimit = Math.min(instructionsSource?.maxTokens ?? Number.POSITIVE_INFINITY, available);
    if (instructionsTokens > instructionsLimit) {
      throw new ContextBudgetTooSmallError(
        `The agent's instructions take ${instructionsTokens} tokens; the context budget leaves ${Math.max(0, instructionsLimit)} for them (context.maxTokens ${budgetTokens}, tool schemas ${toolSchemaTokens}).`,
        { instructionsTokens, available: instructionsLimit, toolSchemaTokens, budgetTokens },
      );
    }
    let remaining = available - instructionsTokens;
    const query = latestUserText(input.conversation);
    const sections = new Map<ContextSource, FilledSection>();
    for (const source of sources) {
      if (source.kind === 'instructions' || source.kind === 'conversation' || source.kind === 'tool_results') continue;
      const budget = source.maxTokens ?? null;
      let section: FilledSection;
      try {
        const candidates = await this.candidates(source, input, query);
        section = fillSection({ source: source.kind, header: SECTION_HEADERS[source.kind], candidates, tokenizer, sourceBudget: budget, remaining });
      } catch (error) {
        if (input.signal?.aborted) throw error;
        section = failedSection(source.kind, budget, error);
      }
      remaining -= section.report.usedTokens;
      sections.set(source, section);
    }

    const conversation = await this.conversation(input, sources, tokenizer, remaining);

    // The system message: instructions, then the sections in the spec's order, then the summary.
    const systemText = spec.instructions + sources.map((source) => sections.get(source)?.text ?? '').join('') + conversation.summaryText;
    const messages: ChatMessage[] = [{ role: 'system', content: systemText }, ...conversation.window.messages];
    const totalTokens = messages.reduce((sum, message) => sum + tokenizer.message(message), REPLY_PRIMING_TOKENS);

    const reports: ContextSourceReport[] = [];
    for (const source of sources) {
      if (source.kind === 'instructions') {
        reports.push({
          source: 'instructions',
          budgetTokens: source.maxTokens ?? null,
          usedTokens: instructionsTokens,
          items: [{ id: 'instructions', kind: 'instructions', tokens: instructionsTokens, included: true, reason: "the agent's instructions (always first)" }],
        });
      } else if (source.kind === 'conversation') {
        reports.push(conversation.conversationReport);
      } else if (source.kind === 'tool_results') {
        reports.push(conversation.toolResultsReport);
      } else {
        const section = sections.get(source);
        if (section) reports.push(section.report);
      }
    }
    if (!sources.some((source) => source.kind === 'tool_results') && conversation.toolResultsReport.items.length) reports.push(conversation.toolResultsReport);

    const report: ContextReport = {
      tokenizer: tokenizer.name,
      budgetTokens,
      totalTokens,
      toolSchemaTokens,
      sources: reports,
      ...(conversation.compaction ? { compaction: conversation.compaction } : {}),
    };
    return { messages, report };
  }

  private async candidates(source: ContextSource, input: AssemblyInput, query: string): Promise<SourceCandidate[]> {
    const { spec } = input;
    switch (source.kind) {
      case 'working_memory': {
        if (!spec.memory.working) return [];
        const entries = await this.memory.workingMemory(input.sessionId);
        return entries.map((entry) => ({ id: entry.key, kind: 'working_memory', text: `- ${entry.key}: ${JSON.stringify(entry.value)}`, reason: 'session state' }));
      }
      case 'long_term_memory': {
        const longTerm = spec.memory.longTerm;
        if (!longTerm.enabled || longTerm.recallTopK < 1 || !query) return [];
        const key = [input.runId, input.userId, longTerm.scope, longTerm.recallTopK, spec.memory.embeddingAlias, query].join('\u0000');
        let recalled = this.recallsOfRuns.get(key);
        if (!recalled) {
          recalled = await this.memory.recall({
            agentId: input.agentId,
            userId: input.userId,
            scope: longTerm.scope,
            query,
            topK: longTerm.recallTopK,
            embeddingAlias: spec.memory.embeddingAlias,
            excludeSessionId: input.sessionId,
          });
          this.recallsOfRuns.set(key, recalled);
          if (this.recallsOfRuns.size > RECALL_CACHE_ENTRIES) this.recallsOfRuns.delete(this.recallsOfRuns.keys().next().value as string);
        }
        return recalled.map((memory) => ({ id: memory.id, kind: memory.kind, text: `- ${memory.content}`, reason: this.memory.describeRecall(memory) }));
      }
      case 'ontology':
        return this.ontology.candidates(source);
      case 'retrieval':
        return this.retrieval.candidates(source, query, input.purpose);
      default:
        return [];
    }
  }

  /** The conversation window, compacting older turns first when they do not fit. */
  private async conversation(
    input: AssemblyInput,
    sources: readonly ContextSource[],
    tokenizer: ContextTokenizer,
    remaining: number,
  ): Promise<{
    window: ConversationWindow;
    summaryText: string;
    conversationReport: ContextSourceReport;
    toolResultsReport: ContextSourceReport;
    compaction?: Compaction;
  }> {
    const { spec } = input;
    const conversationSource = sources.find((source) => source.kind === 'conversation');
    const toolResultsSource = sources.find((source) => source.kind === 'tool_results');
    const budget = Math.max(0, Math.min(conversationSource?.maxTokens ?? Number.POSITIVE_INFINITY, remaining));
    const toolResultsBudget = toolResultsSource?.maxTokens ?? null;
    const settings = spec.memory.compaction;

    // Outside a run (a preview) nothing is kept.
    const summaryKey = input.runId ? `${input.runId}\u0000${input.sessionId}` : null;
    let summary: MemoryView | null;
    if (summaryKey && this.summariesOfRuns.has(summaryKey)) {
      summary = this.summariesOfRuns.get(summaryKey) ?? null;
    } else {
      summary = await this.memory.episodeSummary(input.sessionId);
      if (summaryKey) this.rememberSummary(summaryKey, summary);
    }
    let error: { code: string; message: string } | undefined;
    let compaction: Compaction | undefined;
    let attemptedCompaction = false;
    for (;;) {
      const after = summary ? input.conversation.filter((message) => message.seq > (summary?.throughSeq ?? -1)) : input.conversation;
      const summaryText = summary ? `\n\n${SECTION_HEADERS.conversation}\n${summary.content}` : '';
      let summaryTokens = tokenizer.text(summaryText);
      const summaryFits = summaryTokens <= budget / 2;
      if (!summaryFits) summaryTokens = 0;
      const window = conversationWindow({ messages: after, tokenizer, budget: budget - summaryTokens, toolResultsBudget });

      const older = window.droppedForBudget > 0 ? olderThanRecentTurns(after, settings.keepRecentTurns) : [];
      const recentFailure = this.compactionFailures.get(input.sessionId);
      if (older.length && settings.enabled && !attemptedCompaction && recentFailure && recentFailure.untilMs > Date.now()) {
        attemptedCompaction = true;
        error = { ...recentFailure.error, message: `${recentFailure.error.message} (not retried before ${new Date(recentFailure.untilMs).toISOString()})` };
      }
      if (older.length && settings.enabled && !attemptedCompaction) {
        attemptedCompaction = true;
        try {
          const written = await this.compactor.compact({
            agentId: input.agentId,
            runId: input.runId,
            sessionId: input.sessionId,
            userId: input.userId,
            alias: settings.alias ?? spec.model.alias,
            embeddingAlias: spec.memory.embeddingAlias,
            previousSummary: summary?.content ?? null,
            messages: older,
            maxSummaryTokens: Math.floor(budget / 4),
            signal: input.signal,
          });
          summary = written;
          if (summaryKey) this.rememberSummary(summaryKey, written);
          compaction = {
            summarizedMessages: older.length,
            throughSeq: written.throughSeq ?? (older.at(-1) as ConversationMessage).seq,
            summaryMemoryId: written.id,
            summaryTokens: tokenizer.text(`\n\n${SECTION_HEADERS.conversation}\n${written.content}`),
          };
          continue;
        } catch (failure) {
          if (input.signal?.aborted) throw failure;
          error = errorOf(failure);
          this.compactionFailures.set(input.sessionId, { untilMs: Date.now() + COMPACTION_RETRY_AFTER_MS, error });
          if (this.compactionFailures.size > RECALL_CACHE_ENTRIES) this.compactionFailures.delete(this.compactionFailures.keys().next().value as string);
        }
      }

      const newest = after.at(-1);
      if (newest && !window.messages.length) {
        throw new ContextBudgetTooSmallError(
          `The newest turn of the conversation does not fit the ${budget} tokens left for it (context.maxTokens ${spec.context.maxTokens}).`,
          { conversationBudget: budget, newestSeq: newest.seq },
        );
      }

      const items: ContextItemReport[] = [];
      if (summary) {
        const coveredReason = `summary of the conversation through message ${summary.throughSeq ?? '?'}${compaction ? ` (compacted in this step: ${compaction.summarizedMessages} messages)` : ''}`;
        items.push({ id: summary.id, kind: 'episode_summary', tokens: summaryFits ? summaryTokens : tokenizer.text(summaryText), included: summaryFits, reason: summaryFits ? coveredReason : `${coveredReason}; over half the conversation budget` });
      }
      const failedNote = error ? `; compaction failed (${error.code}), so these turns are left out` : '';
      items.push(...window.conversationItems.map((item) => (item.included || !failedNote ? item : { ...item, reason: item.reason + failedNote })));
      return {
        window,
        summaryText: summaryFits ? summaryText : '',
        conversationReport: {
          source: 'conversation',
          budgetTokens: conversationSource?.maxTokens ?? null,
          usedTokens: window.conversationTokens + (summaryFits ? summaryTokens : 0),
          items,
          ...(error ? { error } : {}),
        },
        toolResultsReport: { source: 'tool_results', budgetTokens: toolResultsBudget, usedTokens: window.toolResultTokens, items: window.toolResultItems },
        ...(compaction ? { compaction } : {}),
      };
    }
  }

  private rememberSummary(key: string, summary: MemoryView | null): void {
    this.summariesOfRuns.set(key, summary);
    if (this.summariesOfRuns.size > RECALL_CACHE_ENTRIES) this.summariesOfRuns.delete(this.summariesOfRuns.keys().next().value as string);
  }

  private async tokenizer(alias: string): Promise<ContextTokenizer> {
    try {
      const listing = (await this.gateway.listModels()).find((entry) => entry.id === alias);
      return tokenizerFor(listing?.providerKind, alias);
    } catch {
      // The catalog is unreachable: the family is unknown, so count with the margin.
      return tokenizerFor(undefined, alias);
    }
  }
}

/**
 * The spec's sources in order, with the two the runtime cannot do without added when missing:
 * instructions first, conversation last. Kinds other than ontology and retrieval count once.
 */
export function orderedSources(spec: AgentSpec): ContextSource[] {
  const seen = new Set<ContextSourceKind>();
  const sources: ContextSource[] = [];
  for (const source of spec.context.sources) {
    if (source.kind !== 'ontology' && source.kind !== 'retrieval') {
      if (seen.has(source.kind)) continue;
      seen.add(source.kind);
    }
    sources.push(source);
  }
  if (!seen.has('instructions')) sources.unshift({ kind: 'instructions' });
  if (!seen.has('conversation')) sources.push({ kind: 'conversation' });
  return sources;
}

/** The text of the latest user message (the query of recall and retrieval). */
export function latestUserText(conversation: readonly ConversationMessage[]): string {
  for (let index = conversation.length - 1; index >= 0; index--) {
    const message = conversation[index]?.message;
    if (message?.role !== 'user') continue;
    return typeof message.content === 'string' ? message.content : message.content.map((part) => (part.type === 'text' ? part.text : '')).join(' ');
  }
  return '';
}

/**
 * The messages before the newest `keepRecentTurns` turns (a turn starts at a user message), so
 * they end at a turn boundary and never split a tool call from its results.
 */
export function olderThanRecentTurns(messages: readonly ConversationMessage[], keepRecentTurns: number): ConversationMessage[] {
  let turns = 0;
  for (let index = messages.length - 1; index >= 0; index--) {
    if (messages[index]?.message.role !== 'user') continue;
    turns += 1;
    if (turns === keepRecentTurns) return messages.slice(0, index);
  }
  return [];
}
