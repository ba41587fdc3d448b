import { Controller, Get } from '@nestjs/common';
import { Public } from '@strata/governance';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SystemStatusService, type SystemStatus } from './system-status.service';

@Public()
@ApiTags('system')
@Controller('system')
export class SystemController {
  constructor(private readonly status: SystemStatusService) {}

  /** Version, database mode, migrations and health: what the admin shell shows before sign-in. */
  @Get('status')
  @ApiOkResponse({ description: 'The platform status.' })
  get(): Promise<SystemStatus> {
    return this.status.read();
  }
}
