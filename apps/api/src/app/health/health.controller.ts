import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { Public } from '@strata/governance';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DatabaseHealth, MIGRATION_REPORT, type MigrationReport } from '@strata/db';
import { ShutdownState } from '../lifecycle/shutdown-state';

/** Liveness and readiness for process supervisors and load balancers (Kubernetes probes). */
@Public()
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: DatabaseHealth,
    @Inject(MIGRATION_REPORT) private readonly migrations: MigrationReport,
    private readonly shutdown: ShutdownState,
  ) {}

  /** The process is up and its event loop answers. Never touches the database. */
  @Get('live')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The process is alive.' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The process can serve traffic: database reachable, schema migrated, not shutting down. */
  @Get('ready')
  @ApiOkResponse({ description: 'Ready to serve traffic.' })
  @ApiServiceUnavailableResponse({ description: 'Not ready; `checks` says why.' })
  async ready(@Res({ passthrough: true }) response: Response) {
    const database = await this.database.check();
    const checks = {
      database: database.ok ? { status: 'ok', latencyMs: database.latencyMs } : { status: 'failing', error: database.error },
      migrations: this.migrations.status.upToDate
        ? { status: 'ok', applied: this.migrations.status.applied.length }
        : { status: 'failing', pending: this.migrations.status.pending, failed: this.migrations.status.failed },
      shutdown: this.shutdown.shuttingDown ? { status: 'failing', error: 'shutting down' } : { status: 'ok' },
    };
    const ok = Object.values(checks).every((check) => check.status === 'ok');
    response.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks };
  }
}
