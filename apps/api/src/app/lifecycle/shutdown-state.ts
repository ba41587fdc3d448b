import { Injectable } from '@nestjs/common';

/** Set when a graceful shutdown begins, so readiness fails and load balancers stop sending traffic. */
@Injectable()
export class ShutdownState {
  private since: Date | undefined;

  begin(): void {
    this.since ??= new Date();
  }

  get shuttingDown(): boolean {
    return this.since !== undefined;
  }
}
