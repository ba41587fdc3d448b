import { existsSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { RunBoundary, RunFaultInjector } from '@strata/context';

/** Where one run of the crash-point sweep is to be killed: the n-th time (from the run's start) it reaches a boundary. */
export interface KillPoint {
  boundary: RunBoundary;
  occurrence: number;
}

/** One run's plan and what its workers reported, shared by all worker processes through one file. */
export interface CrashPlanState {
  kill: KillPoint | null;
  /** Every boundary the run reached, in order, until its kill (all of them when it has no kill point). */
  reached: RunBoundary[];
  killed: boolean;
  /** Boundaries reached while the worker held more than one run (the run could not be told apart): a broken setup. */
  ambiguous: number;
}

/**
 * The fault injector of the crash-point sweep: per run, a file `<runId>.json` in a folder that
 * every worker process shares. A worker executes one run at a time (concurrency 1), so the run a
 * boundary belongs to is the worker's active run. Each boundary is appended to the run's file, and
 * when the run reaches its kill point for the first time the file is marked killed and this process
 * SIGKILLs itself; any worker that resumes the run later (the same run's file) never kills again.
 * Counting from the run's start across processes is what lets a kill point lie after an approval
 * (the run suspends in one worker and resumes in another). A run without a file is recorded with
 * no kill point (the uninterrupted reference run).
 */
export class RunCrashPlans implements RunFaultInjector {
  /** The runs this process executes right now (set once the run worker exists). */
  activeRuns: () => string[] = () => [];

  constructor(
    private readonly dir: string,
    /** false in the test's own process: it records the reference run and must never kill itself. */
    private readonly mayKill: boolean,
  ) {}

  static fileOf(dir: string, runId: string): string {
    return path.join(dir, `${runId}.json`);
  }

  static plan(dir: string, runId: string, kill: KillPoint | null): void {
    write(RunCrashPlans.fileOf(dir, runId), { kill, reached: [], killed: false, ambiguous: 0 });
  }

  static read(dir: string, runId: string): CrashPlanState | undefined {
    const file = RunCrashPlans.fileOf(dir, runId);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CrashPlanState) : undefined;
  }

  reached(boundary: RunBoundary): void {
    const runs = this.activeRuns();
    if (runs.length === 0) return;
    for (const runId of runs) {
      const state = RunCrashPlans.read(this.dir, runId) ?? { kill: null, reached: [], killed: false, ambiguous: 0 };
      if (state.killed) continue;
      if (runs.length > 1) {
        state.ambiguous += 1;
        write(RunCrashPlans.fileOf(this.dir, runId), state);
        continue;
      }
      state.reached.push(boundary);
      const occurrence = state.reached.filter((b) => b === boundary).length;
      const kill = this.mayKill && state.kill?.boundary === boundary && state.kill.occurrence === occurrence;
      state.killed = kill;
      // Written (synchronously) before the kill, so the next worker knows this run was killed already.
      write(RunCrashPlans.fileOf(this.dir, runId), state);
      if (kill) {
        writeSync(1, `killed ${runId} at ${boundary}:${occurrence}\n`);
        process.kill(process.pid, 'SIGKILL');
      }
    }
  }
}

/** Written aside then renamed: a reader in another process never sees half a file. */
function write(file: string, state: CrashPlanState): void {
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(state));
  renameSync(partial, file);
}
