import type { Server } from 'node:http';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { getTelemetry } from '@strata/observability';
import { WORKER_SHUTDOWN } from './api-worker-cluster';
import { ShutdownState } from './shutdown-state';

/**
 * Longest wait for the telemetry flush at the end (OTLP export of the last spans and metrics): a
 * collector that is down must not hold the stop for the exporter's own timeout.
 */
export const TELEMETRY_FLUSH_TIMEOUT_MS = 5_000;

/**
 * Stops a running API in order: fail readiness, stop accepting connections, let in-flight requests
 * finish (up to `timeoutMs`, then cut the remaining connections), then close Nest, which writes the
 * queued spans to the trace store and disconnects the database pool and closes the embedded
 * database, then flush and stop the OpenTelemetry SDK (OTLP export), and finally flush the logs.
 */
export class GracefulShutdown {
  private running: Promise<void> | undefined;

  constructor(
    private readonly app: INestApplication,
    private readonly timeoutMs: number,
    private readonly logger: LoggerService,
  ) {}

  /** Installs SIGTERM/SIGINT handlers; a second signal exits at once. */
  listen(exit: (code: number) => void = (code) => process.exit(code)): void {
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.running) {
        this.logger.warn?.(`Second ${signal}: exiting now.`);
        exit(1);
        return;
      }
      this.run(signal).then(
        () => exit(0),
        (error: unknown) => {
          this.logger.error?.(`Shutdown failed: ${(error as Error).message}`);
          exit(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }

  /**
   * In an API worker ({@link ApiWorkerCluster}): the primary decides when to stop (its IPC message,
   * or its disappearance); the worker's own SIGTERM/SIGINT (a terminal's Ctrl-C reaches the whole
   * process group) are left to the primary.
   */
  listenToPrimary(exit: (code: number) => void = (code) => process.exit(code)): void {
    const stop = (reason: string) =>
      this.run(reason).then(
        () => exit(0),
        (error: unknown) => {
          this.logger.error?.(`Shutdown failed: ${(error as Error).message}`);
          exit(1);
        },
      );
    process.on('message', (message: unknown) => {
      if ((message as { type?: unknown } | null)?.type === WORKER_SHUTDOWN) void stop(String((message as { reason?: unknown }).reason ?? 'primary'));
    });
    process.once('disconnect', () => void stop('primary gone'));
    process.on('SIGTERM', () => undefined);
    process.on('SIGINT', () => undefined);
  }

  run(reason: string): Promise<void> {
    this.running ??= this.shutdown(reason);
    return this.running;
  }

  private async shutdown(reason: string): Promise<void> {
    const started = Date.now();
    this.logger.log(`Shutting down (${reason}): draining in-flight requests for up to ${this.timeoutMs} ms.`);
    this.app.get(ShutdownState).begin();

    const server = this.app.getHttpServer() as Server;
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const deadline = setTimeout(() => {
      this.logger.warn?.('Drain timeout reached: closing the remaining connections.');
      server.closeAllConnections();
    }, this.timeoutMs);
    await drained;
    clearTimeout(deadline);

    await this.app.close();
    await this.stopTelemetry();
    this.logger.log(`Stopped in ${Date.now() - started} ms.`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** After Nest: the trace store has written what it could; the SDK sends the rest over OTLP. */
  private async stopTelemetry(): Promise<void> {
    const telemetry = getTelemetry();
    if (!telemetry) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), TELEMETRY_FLUSH_TIMEOUT_MS);
    });
    try {
      const outcome = await Promise.race([telemetry.shutdown().then(() => 'done' as const), timedOut]);
      if (outcome === 'timeout') this.logger.warn?.(`Telemetry flush did not finish within ${TELEMETRY_FLUSH_TIMEOUT_MS} ms; unsent spans are lost.`);
    } catch (error) {
      this.logger.warn?.(`Telemetry flush failed: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
