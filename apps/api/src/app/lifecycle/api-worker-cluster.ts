import cluster, { type Worker } from 'node:cluster';

/** IPC messages between the primary and its API workers. */
export const WORKER_READY = 'strata.worker.ready';
export const WORKER_SHUTDOWN = 'strata.worker.shutdown';
/** The worker's number (1…n) in its environment; worker 1 migrates and bootstraps. */
export const WORKER_INDEX_ENV = 'STRATA_API_WORKER_INDEX';

/** Longest wait for a worker to start (migrations on a large database included). */
const START_TIMEOUT_MS = 10 * 60_000;

/**
 * The primary process of `STRATA_API_WORKERS=n` (n > 1): forks n API workers (node:cluster; they
 * share the listening port, the primary hands out connections) and serves nothing itself. Worker 1
 * starts first and alone: it applies the migrations and the first-start bootstrap; the others
 * start once it listens, with both off. Each worker is a whole API process on the same PostgreSQL
 * database, like the nodes of a multi-node deployment (budgets stay bounded across them: each
 * reserves from its own lease taken atomically in the database; caches of verified keys and
 * policies are per process, with their documented staleness bounds).
 *
 * Stop: SIGTERM or SIGINT to the primary asks every worker to shut down gracefully (workers leave
 * signals to the primary, so a terminal's Ctrl-C, which reaches them too, does not count twice); a
 * second signal kills them. A worker that exits on its own stops the whole group with status 1:
 * restarts are the supervisor's (systemd, Kubernetes), which sees one process.
 */
export class ApiWorkerCluster {
  private readonly workers = new Set<Worker>();
  private stopping = false;
  private exitCode = 0;

  constructor(private readonly count: number) {}

  async run(): Promise<void> {
    process.once('SIGTERM', () => this.stop('SIGTERM'));
    process.once('SIGINT', () => this.stop('SIGINT'));
    await this.start(1, {});
    const rest: Promise<void>[] = [];
    // Migrations are applied and the bootstrap done by worker 1.
    for (let index = 2; index <= this.count; index++) rest.push(this.start(index, { STRATA_MIGRATE_ON_START: 'false', STRATA_BOOTSTRAP: 'never' }));
    await Promise.all(rest);
    process.stderr.write(`Strata: ${this.count} API workers serving (node:cluster, primary pid ${process.pid}).\n`);
  }

  private start(index: number, env: Record<string, string>): Promise<void> {
    const worker = cluster.fork({ ...env, [WORKER_INDEX_ENV]: String(index) });
    this.workers.add(worker);
    worker.once('exit', (code, signal) => {
      this.workers.delete(worker);
      if (!this.stopping) {
        process.stderr.write(`Strata: API worker ${index} exited (${signal ?? code}); stopping the others.\n`);
        this.exitCode = 1;
        this.stop('worker exit');
      }
      if (this.workers.size === 0) process.exit(this.exitCode || (code ?? 0) || (signal ? 1 : 0));
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`API worker ${index} did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      worker.on('message', (message: unknown) => {
        if ((message as { type?: unknown } | null)?.type !== WORKER_READY) return;
        clearTimeout(timer);
        resolve();
      });
      worker.once('exit', () => {
        clearTimeout(timer);
        reject(new Error(`API worker ${index} exited before it was ready`));
      });
    });
  }

  private stop(reason: string): void {
    if (this.stopping) {
      if (reason === 'SIGTERM' || reason === 'SIGINT') for (const worker of this.workers) worker.process.kill('SIGKILL');
      return;
    }
    this.stopping = true;
    // A second signal kills.
    process.once('SIGTERM', () => this.stop('SIGTERM'));
    process.once('SIGINT', () => this.stop('SIGINT'));
    for (const worker of this.workers) if (worker.isConnected()) worker.send({ type: WORKER_SHUTDOWN, reason });
    if (this.workers.size === 0) process.exit(this.exitCode);
  }
}

/** In a worker of {@link ApiWorkerCluster}: tells the primary it serves. */
export function reportWorkerReady(): void {
  if (cluster.isWorker) process.send?.({ type: WORKER_READY });
}

/** This process's worker number, or undefined when it is not an API worker. */
export function apiWorkerIndex(): number | undefined {
  if (!cluster.isWorker) return undefined;
  const index = Number(process.env[WORKER_INDEX_ENV]);
  return Number.isInteger(index) && index > 0 ? index : undefined;
}
