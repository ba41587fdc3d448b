import { Module, type DynamicModule } from '@nestjs/common';
import type { StrataConfig } from '@strata/kernel';

/** Wiring of the ontology layer: controllers, services and repositories are registered here. */
@Module({})
export class OntologyModule {
  static forRoot(config: StrataConfig): DynamicModule {
    void config;
    return {
      module: OntologyModule,
      controllers: [],
      providers: [],
      exports: [],
    };
  }
}
