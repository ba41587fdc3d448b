import type { Server } from 'node:http';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { ShutdownState } from './shutdown-state';

/**
 * Stops a running API in order: fail readiness, stop accepting connections, let in-flight requests
 * finish (up to `timeoutMs`, then cut the remaining connections), then close Nest, which disconnects
 * the database pool and closes the embedded database, and finally flush the logs.
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
    this.logger.log(`Stopped in ${Date.now() - started} ms.`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
