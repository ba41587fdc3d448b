import { Injectable } from '@nestjs/common';
import { withSpan } from '@strata/kernel';
import { checkpointStatement, GENESIS_HASH, recomputeEntryHash } from './audit-chain';
import { AuditCheckpointsRepository, type AuditCheckpointRow } from './audit-checkpoints.repository';
import { AuditEntriesRepository, type AuditEntryRow } from './audit-entries.repository';
import { AuditKeyRing } from './audit-signing-key';

export type AuditProblemKind =
  | 'hash_mismatch'
  | 'broken_link'
  | 'gap'
  | 'reordered'
  | 'head_mismatch'
  | 'bad_signature'
  | 'checkpoint_mismatch';

export interface AuditProblem {
  kind: AuditProblemKind;
  /** Decimal seq where the problem is (JSON has no 64-bit integers). */
  seq: string;
  entryId?: string;
  checkpointId?: string;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  tenantId: string;
  checkedEntries: number;
  checkedCheckpoints: number;
  /** The last entry verified (seq and hash): what a later verification can be compared with. */
  verifiedThrough: { seq: string; hash: string } | null;
  firstProblem?: AuditProblem;
}

export interface VerifyOptions {
  /** Entries (and checkpoints) read per query; the walk never holds more in memory. Default 1,000. */
  batchSize?: number;
  /** Called after each batch with the entries checked so far and the head's seq at the start. */
  onProgress?: (checkedEntries: number, headSeq: bigint) => void;
  /** Verify signatures against these keys instead of the platform's (an auditor's own copy). */
  keyRing?: AuditKeyRing;
}

const MAX_BATCH = 10_000;

/**
 * Walks one tenant's chain in seq order and stops at the first problem (docs/audit.md, "Checking
 * a chain"): seq continuity, each entry's hash over its content and prevHash, each prevHash
 * against the previous entry's hash, the head, and every checkpoint's signature and hash.
 * Streams in batches and needs no long transaction, so appends go on while it runs.
 */
@Injectable()
export class AuditVerifier {
  constructor(
    private readonly entries: AuditEntriesRepository,
    private readonly checkpoints: AuditCheckpointsRepository,
    private readonly keyRing: AuditKeyRing,
  ) {}

  verify(tenantId: string, options: VerifyOptions = {}): Promise<AuditVerification> {
    return withSpan('audit.verify', { 'strata.tenant.id': tenantId }, () => this.walk(tenantId, options));
  }

  private async walk(tenantId: string, options: VerifyOptions): Promise<AuditVerification> {
    const batchSize = Math.min(Math.max(1, options.batchSize ?? 1_000), MAX_BATCH);
    const ring = options.keyRing ?? this.keyRing;
    const headAtStart = await this.entries.head(tenantId);
    let expectedSeq = 1n;
    let prevHash = GENESIS_HASH;
    let checkedEntries = 0;
    let checkedCheckpoints = 0;
    let pendingCheckpoints: AuditCheckpointRow[] = [];
    let checkpointsAfter = 0n;
    let checkpointsExhausted = false;
    const result = (firstProblem?: AuditProblem): AuditVerification => ({
      ok: !firstProblem,
      tenantId,
      checkedEntries,
      checkedCheckpoints,
      verifiedThrough: expectedSeq > 1n ? { seq: (expectedSeq - 1n).toString(), hash: prevHash } : null,
      ...(firstProblem ? { firstProblem } : {}),
    });

    for (;;) {
      const rows = await this.entries.chainAfter(tenantId, expectedSeq - 1n, batchSize);
      if (!rows.length) break;
      for (const row of rows) {
        if (row.seq !== expectedSeq) {
          return result({
            kind: 'gap',
            seq: expectedSeq.toString(),
            message: `Entries ${range(expectedSeq, row.seq - 1n)} are missing: the entry after seq ${expectedSeq - 1n} is seq ${row.seq} (id ${row.id}).`,
          });
        }
        const entryProblem = await this.checkEntry(tenantId, row, prevHash);
        if (entryProblem) return result(entryProblem);

        // Checkpoints at this seq (they arrive in seq order, like the entries).
        for (;;) {
          if (!pendingCheckpoints.length && !checkpointsExhausted) {
            pendingCheckpoints = await this.checkpoints.after(tenantId, checkpointsAfter, batchSize);
            checkpointsExhausted = pendingCheckpoints.length < batchSize;
          }
          const checkpoint = pendingCheckpoints[0];
          if (!checkpoint || checkpoint.seq > row.seq) break;
          pendingCheckpoints.shift();
          checkpointsAfter = checkpoint.seq;
          const checkpointProblem = checkCheckpoint(checkpoint, row, ring);
          if (checkpointProblem) return result(checkpointProblem);
          checkedCheckpoints += 1;
        }

        prevHash = row.hash;
        expectedSeq += 1n;
        checkedEntries += 1;
      }
      options.onProgress?.(checkedEntries, headAtStart?.seq ?? 0n);
    }

    const last = expectedSeq - 1n;
    if (headAtStart && headAtStart.seq > last) {
      return result({
        kind: 'head_mismatch',
        seq: (last + 1n).toString(),
        message: `The chain head is at seq ${headAtStart.seq} but the chain ends at seq ${last}: entries ${range(last + 1n, headAtStart.seq)} were removed from the end.`,
      });
    }
    // Read after the walk: a commit that made entries visible made the head that covers them visible too.
    const headNow = await this.entries.head(tenantId);
    if (last > 0n && !headNow) {
      return result({ kind: 'head_mismatch', seq: last.toString(), message: `The tenant has ${last} entries but no chain head: the head row was removed.` });
    }
    if (headNow && last > headNow.seq) {
      return result({
        kind: 'head_mismatch',
        seq: (headNow.seq + 1n).toString(),
        entryId: await this.entries.idAtSeq(tenantId, headNow.seq + 1n),
        message: `Entries ${range(headNow.seq + 1n, last)} lie beyond the chain head (seq ${headNow.seq}): they were not appended through the chain (inserted directly).`,
      });
    }
    if (headNow && headNow.seq === last && headNow.hash !== prevHash) {
      return result({
        kind: 'head_mismatch',
        seq: last.toString(),
        message: `The chain head's hash ${headNow.hash} is not the hash of the last entry (${prevHash}).`,
      });
    }
    // A checkpoint past the end signs entries that are gone, unless they were appended during the walk.
    const beyond = pendingCheckpoints[0] ?? (checkpointsExhausted ? undefined : (await this.checkpoints.after(tenantId, last, 1))[0]);
    if (beyond && beyond.seq > last && (!headNow || beyond.seq > headNow.seq)) {
      return result({
        kind: 'checkpoint_mismatch',
        seq: beyond.seq.toString(),
        checkpointId: beyond.id,
        message: `Checkpoint ${beyond.id} signs seq ${beyond.seq}, but the chain ends at seq ${last}: signed entries were removed.`,
      });
    }
    return result();
  }

  private async checkEntry(tenantId: string, row: AuditEntryRow, expectedPrev: string): Promise<AuditProblem | undefined> {
    const selfConsistent = recomputeEntryHash(row) === row.hash;
    const seq = row.seq.toString();
    if (row.prevHash === expectedPrev) {
      if (selfConsistent) return undefined;
      return {
        kind: 'hash_mismatch',
        seq,
        entryId: row.id,
        message: `Entry ${seq} (id ${row.id}) does not hash to its stored hash: its content was changed after it was written.`,
      };
    }
    // The link is wrong: find the entry this one was chained after, to tell a move from an insertion.
    const predecessor = await this.entries.seqOfHash(tenantId, row.prevHash);
    if (predecessor !== null && predecessor >= row.seq) {
      return {
        kind: 'reordered',
        seq,
        entryId: row.id,
        message: `Entry ${seq} (id ${row.id}) was chained after the entry now at seq ${predecessor}: entries were reordered (moved or swapped).`,
      };
    }
    if (predecessor !== null && predecessor < row.seq - 1n) {
      const inserted = predecessor + 1n;
      return {
        kind: 'broken_link',
        seq: inserted.toString(),
        entryId: await this.entries.idAtSeq(tenantId, inserted),
        message: `Entries ${range(inserted, row.seq - 1n)} were inserted: entry ${seq} (id ${row.id}) was chained right after seq ${predecessor}.`,
      };
    }
    if (!selfConsistent) {
      return {
        kind: 'hash_mismatch',
        seq,
        entryId: row.id,
        message: `Entry ${seq} (id ${row.id}) does not hash to its stored hash, and its prevHash matches no entry: it was changed after it was written.`,
      };
    }
    return {
      kind: 'broken_link',
      seq,
      entryId: row.id,
      message: `Entry ${seq} (id ${row.id}) is chained to ${row.prevHash}, which is not the hash of entry ${row.seq - 1n} (${expectedPrev}): entry ${row.seq - 1n} was rewritten with a recomputed hash, or entry ${seq} was forged.`,
    };
  }
}

function checkCheckpoint(checkpoint: AuditCheckpointRow, entry: AuditEntryRow, ring: AuditKeyRing): AuditProblem | undefined {
  const seq = checkpoint.seq.toString();
  if (!ring.has(checkpoint.keyId)) {
    return {
      kind: 'bad_signature',
      seq,
      checkpointId: checkpoint.id,
      message: `Checkpoint ${checkpoint.id} at seq ${seq} is signed by key ${checkpoint.keyId}, which is not a trusted key (${ring.keyIds.join(', ') || 'none'}).`,
    };
  }
  if (!ring.verify(checkpoint.keyId, checkpointStatement(checkpoint), checkpoint.signature)) {
    return {
      kind: 'bad_signature',
      seq,
      checkpointId: checkpoint.id,
      message: `Checkpoint ${checkpoint.id} at seq ${seq}: the signature does not match its statement (seq, hash or time changed, or forged).`,
    };
  }
  if (checkpoint.hash !== entry.hash) {
    return {
      kind: 'checkpoint_mismatch',
      seq,
      checkpointId: checkpoint.id,
      entryId: entry.id,
      message: `Checkpoint ${checkpoint.id} signed hash ${checkpoint.hash} at seq ${seq}, but entry ${seq} now has ${entry.hash}: the chain was rewritten after it was signed.`,
    };
  }
  return undefined;
}

function range(from: bigint, to: bigint): string {
  return from === to ? `${from}` : `${from}..${to}`;
}
