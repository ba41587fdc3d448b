import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize, ZodValidationPipe } from '@strata/governance';
import type { z } from 'zod';
import { updateGatewaySettingsSchema } from './gateway-settings.schemas';
import { GatewaySettingsService } from './gateway-settings.service';

/** The tenant's gateway settings. */
@ApiTags('model-gateway')
@Controller('model-gateway')
export class GatewaySettingsController {
  constructor(private readonly settings: GatewaySettingsService) {}

  @Get('settings')
  @Authorize('read', 'GatewaySettings')
  get() {
    return this.settings.get();
  }

  @Put('settings')
  @Authorize('update', 'GatewaySettings')
  update(@Body(new ZodValidationPipe(updateGatewaySettingsSchema)) input: z.output<typeof updateGatewaySettingsSchema>) {
    return this.settings.update(input);
  }
}
