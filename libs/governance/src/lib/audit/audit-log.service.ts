import { Inject, Injectable, Optional, type OnModuleDestroy } from '@nestjs/common';
import { CLOCK, newId, RequestContextStore, withSpan, type Clock } from '@strata/kernel';
import { DATABASE_RUNTIME, PrismaService, type DatabaseRuntime, type Prisma } from '@strata/db';
import { auditEntryContent, auditEntryHash } from './audit-chain';
import { AuditEntriesRepository, type AuditEntryRow, type ChainHead } from './audit-entries.repository';
import { draftAuditEntry, type AuditEntryDraft, type AuditEvent } from './audit-event';
import { AUDIT_DEFAULTS, AUDIT_LIMITS, AUDIT_OPTIONS, type AuditOptions } from './audit-options';
import { GroupCommitQueue } from './group-commit-queue';

export type { AuditEvent } from './audit-event';

export interface AppendedAuditEntry {
  id: string;
  seq: bigint;
  hash: string;
}

/** Told after a group-commit batch commits (the checkpoint scheduler counts entries with it). */
export type AuditAppendListener = (tenantId: string, head: ChainHead) => void;

/** Tenants whose last written head this process remembers for the one-round-trip append. */
const KNOWN_HEADS = 10_000;

/** A batch waits at most this long for the head lock and runs at most this long. */
const BATCH_TRANSACTION = { maxWait: 10_000, timeout: 30_000 } as const;

/**
 * Appends entries to each tenant's hash chain. Appends without a transaction are group-committed
 * (one write per batch per tenant, see {@link GroupCommitQueue}): on a server, a single statement
 * that advances the head only if it is still the one this process wrote last; otherwise (another
 * process appended, first batch, embedded database) a transaction that locks the head row. Appends
 * with the caller's transaction commit or roll back with it and hold the tenant's chain lock until
 * it ends.
 */
@Injectable()
export class AuditLog implements OnModuleDestroy {
  private readonly queue: GroupCommitQueue<AuditEntryDraft, AppendedAuditEntry>;
  private readonly listeners = new Set<AuditAppendListener>();
  private readonly heads = new Map<string, ChainHead>();
  private readonly singleStatementAppends: boolean;

  constructor(
    private readonly prisma: PrismaService,
    private readonly entries: AuditEntriesRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AUDIT_OPTIONS) options: AuditOptions,
    @Optional() @Inject(DATABASE_RUNTIME) runtime?: Pick<DatabaseRuntime, 'mode'>,
  ) {
    // The embedded database (PGlite behind one socket) interleaves protocol messages of concurrent
    // connections outside transactions; there, every batch takes the transaction path.
    this.singleStatementAppends = runtime?.mode === 'server';
    this.queue = new GroupCommitQueue(
      {
        maxBatchSize: bounded(options.maxBatchSize ?? AUDIT_DEFAULTS.maxBatchSize, AUDIT_LIMITS.maxBatchSize),
        maxQueued: Math.max(1, options.maxQueuedEntries ?? AUDIT_DEFAULTS.maxQueuedEntries),
        maxConcurrent: bounded(options.maxConcurrentBatches ?? AUDIT_DEFAULTS.maxConcurrentBatches, AUDIT_LIMITS.maxConcurrentBatches),
      },
      (tenantId, drafts) => this.flush(tenantId, drafts),
    );
  }

  /** Appends in order to the tenant's chain. With `tx` (a Prisma interactive transaction client), the entry commits or rolls back with the caller's writes. */
  async append(event: AuditEvent, tx?: Prisma.TransactionClient): Promise<AppendedAuditEntry> {
    const draft = draftAuditEntry(event, RequestContextStore.current(), this.clock.now());
    return withSpan(
      'audit.append',
      { 'strata.audit.action': draft.action, 'strata.audit.outcome': draft.outcome, 'strata.audit.batched': !tx },
      async (span) => {
        const appended = tx ? (await this.writeChained(tx, draft.tenantId, [draft]))[0] : await this.queue.enqueue(draft.tenantId, draft);
        span.setAttribute('strata.audit.seq', appended.seq.toString());
        return appended;
      },
    );
  }

  /** Subscribes to committed batches; returns the unsubscribe function. */
  onAppended(listener: AuditAppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Entries accepted but not yet committed. */
  get pending(): number {
    return this.queue.pending;
  }

  /** Writes what was accepted, refuses the rest. */
  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
  }

  private flush(tenantId: string, drafts: AuditEntryDraft[]): Promise<AppendedAuditEntry[]> {
    // A batch serves many requests: it runs in its own context, not in the first caller's.
    return RequestContextStore.run({ requestId: newId(), tenantId, actor: { type: 'system', id: 'audit-log' } }, () =>
      withSpan('audit.append_batch', { 'strata.audit.batch_size': drafts.length }, async (span) => {
        const now = this.clock.now();
        const known = this.singleStatementAppends ? this.heads.get(tenantId) : undefined;
        let rows = known ? chain(drafts, known) : undefined;
        const fast = rows !== undefined && known !== undefined && (await this.entries.appendIfHeadIs(tenantId, known, rows, now));
        if (!fast) {
          rows = await this.prisma.$transaction(async (tx) => {
            const locked = chain(drafts, await this.entries.lockHead(tx, tenantId));
            await this.entries.insertAndAdvance(tx, tenantId, locked, now);
            return locked;
          }, BATCH_TRANSACTION);
        }
        span.setAttribute('strata.audit.fast_path', fast);
        const written = rows as AuditEntryRow[];
        const last = written[written.length - 1];
        this.rememberHead(tenantId, { seq: last.seq, hash: last.hash });
        for (const listener of this.listeners) {
          try {
            listener(tenantId, { seq: last.seq, hash: last.hash });
          } catch {
            // The entries are committed; a listener's failure must not turn them into errors.
          }
        }
        return written.map(appendedOf);
      }),
    );
  }

  private async writeChained(tx: Prisma.TransactionClient, tenantId: string, drafts: AuditEntryDraft[]): Promise<AppendedAuditEntry[]> {
    const rows = chain(drafts, await this.entries.lockHead(tx, tenantId));
    await this.entries.insertAndAdvance(tx, tenantId, rows, this.clock.now());
    return rows.map(appendedOf);
  }

  /** The head this process wrote last, per tenant (bounded; a stale one only costs the fallback). */
  private rememberHead(tenantId: string, head: ChainHead): void {
    this.heads.delete(tenantId);
    this.heads.set(tenantId, head);
    if (this.heads.size > KNOWN_HEADS) this.heads.delete(this.heads.keys().next().value as string);
  }
}

/** Extends the chain from `head` with the drafts, in order. */
function chain(drafts: AuditEntryDraft[], head: ChainHead): AuditEntryRow[] {
  let seq = head.seq;
  let prevHash = head.hash;
  return drafts.map((draft) => {
    seq += 1n;
    const hash = auditEntryHash(auditEntryContent({ ...draft, seq }), prevHash);
    const row = { ...draft, seq, prevHash, hash } as AuditEntryRow;
    prevHash = hash;
    return row;
  });
}

function appendedOf(row: AuditEntryRow): AppendedAuditEntry {
  return { id: row.id, seq: row.seq, hash: row.hash };
}

function bounded(value: number, max: number): number {
  return Math.min(Math.max(1, Math.floor(value)), max);
}
