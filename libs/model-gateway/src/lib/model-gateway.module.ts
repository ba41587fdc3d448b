import { Module, type DynamicModule } from '@nestjs/common';
import type { StrataConfig } from '@strata/kernel';

/** Wiring of the model-gateway layer: controllers, services and repositories are registered here. */
@Module({})
export class ModelGatewayModule {
  static forRoot(config: StrataConfig): DynamicModule {
    void config;
    return {
      module: ModelGatewayModule,
      controllers: [],
      providers: [],
      exports: [],
    };
  }
}
