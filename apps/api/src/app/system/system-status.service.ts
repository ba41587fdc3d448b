import { Inject, Injectable } from '@nestjs/common';
import {
  DATABASE_RUNTIME,
  DatabaseHealth,
  MIGRATION_REPORT,
  PlatformInstanceService,
  type DatabaseRuntime,
  type MigrationReport,
} from '@strata/db';
import { STRATA_VERSION } from '../version';

export interface SystemStatus {
  version: string;
  node: string;
  startedAt: string;
  uptimeSeconds: number;
  instance: { id: string; createdAt: string; createdByVersion: string } | null;
  database: {
    mode: DatabaseRuntime['mode'];
    healthy: boolean;
    latencyMs: number;
    migrations: { applied: number; pending: number; failed: number; upToDate: boolean; latest: string | null };
  };
}

@Injectable()
export class SystemStatusService {
  private readonly startedAt = new Date();

  constructor(
    @Inject(DATABASE_RUNTIME) private readonly runtime: DatabaseRuntime,
    @Inject(MIGRATION_REPORT) private readonly migrations: MigrationReport,
    private readonly health: DatabaseHealth,
    private readonly instances: PlatformInstanceService,
  ) {}

  async read(): Promise<SystemStatus> {
    const [health, instance] = await Promise.all([this.health.check(), this.instances.get().catch(() => null)]);
    const { status } = this.migrations;
    return {
      version: STRATA_VERSION,
      node: process.versions.node,
      startedAt: this.startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt.getTime()) / 1000),
      instance: instance
        ? { id: instance.id, createdAt: instance.createdAt.toISOString(), createdByVersion: instance.createdByVersion }
        : null,
      database: {
        mode: this.runtime.mode,
        healthy: health.ok,
        latencyMs: health.latencyMs,
        migrations: {
          applied: status.applied.length,
          pending: status.pending.length,
          failed: status.failed.length,
          upToDate: status.upToDate,
          latest: status.applied.at(-1) ?? null,
        },
      },
    };
  }
}
