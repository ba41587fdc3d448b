import { Inject, Injectable } from '@nestjs/common';
import { DATABASE_RUNTIME } from './database.tokens';
import { PrismaService } from './prisma.service';
import type { DatabaseRuntime } from '../database-runtime';

export interface DatabaseHealthReport {
  ok: boolean;
  mode: DatabaseRuntime['mode'];
  latencyMs: number;
  error?: string;
}

/** Answers "can this process use its database right now?" within a deadline, for readiness probes. */
@Injectable()
export class DatabaseHealth {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(DATABASE_RUNTIME) private readonly runtime: DatabaseRuntime,
  ) {}

  async check(timeoutMs = 2_000): Promise<DatabaseHealthReport> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.prisma.$queryRaw`SELECT 1`,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return { ok: true, mode: this.runtime.mode, latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      return {
        ok: false,
        mode: this.runtime.mode,
        latencyMs: Math.round(performance.now() - started),
        error: (error as Error).message.split('\n')[0],
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
