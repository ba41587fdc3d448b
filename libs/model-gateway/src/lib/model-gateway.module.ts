import { Module, type DynamicModule } from '@nestjs/common';
import type { StrataConfig } from '@strata/kernel';
import { GATEWAY_CORE_CONTROLLERS, GATEWAY_CORE_EXPORTS, gatewayCoreProviders } from './gateway/gateway-core.providers';
import { USAGE_CONTROLS_CONTROLLERS, USAGE_CONTROLS_EXPORTS, USAGE_CONTROLS_PROVIDERS } from './usage/usage-controls.providers';
import { V1_API_CONTROLLERS, V1_API_PROVIDERS } from './openai-api/v1-api.providers';

/**
 * Wiring of the model-gateway layer: controllers, services and repositories are registered here.
 * Global, so the layers above inject `ModelGateway`, and the observability layer's GenAiTelemetry
 * gets the gateway's CONTENT_POLICY (tenant content capture, zero data retention, redaction).
 */
@Module({})
export class ModelGatewayModule {
  static forRoot(config: StrataConfig): DynamicModule {
    return {
      module: ModelGatewayModule,
      global: true,
      controllers: [...GATEWAY_CORE_CONTROLLERS, ...USAGE_CONTROLS_CONTROLLERS, ...V1_API_CONTROLLERS],
      providers: [...gatewayCoreProviders(config), ...USAGE_CONTROLS_PROVIDERS, ...V1_API_PROVIDERS],
      exports: [...GATEWAY_CORE_EXPORTS, ...USAGE_CONTROLS_EXPORTS],
    };
  }
}
