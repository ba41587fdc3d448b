import { Module, type DynamicModule } from '@nestjs/common';
import type { StrataConfig } from '@strata/kernel';
import { ACTION_CONTROLLERS, ACTION_PROVIDERS } from './actions/actions.providers';
import { ActionDescriptionRegistry } from './describe/action-description-registry';
import { DescribeController } from './describe/describe.controller';
import { OntologyDescriber } from './describe/ontology-describer';
import { EventsController } from './events/events.controller';
import { EventsService } from './events/events.service';
import { OntologyEvents } from './events/ontology-events';
import { ImportController } from './import/import.controller';
import { ImportService } from './import/import.service';
import { LinksController } from './links/links.controller';
import { LinksService } from './links/links.service';
import { ObjectsController } from './objects/objects.controller';
import { ObjectsService } from './objects/objects.service';
import { HistoryRepository } from './history/history.repository';
import { LinkWriter } from './links/link-writer';
import { LinksRepository } from './links/links.repository';
import { BulkObjectWriter } from './objects/bulk-object-writer';
import { ObjectWriter } from './objects/object-writer';
import { ObjectsRepository } from './objects/objects.repository';
import { OntologyPermissions } from './ontology-permissions';
import { QUERY_CONTROLLERS, QUERY_PROVIDERS } from './queries/queries.providers';
import { SchemaChangePlanner } from './schema/schema-change-planner';
import { SchemaDataInspector } from './schema/schema-data-inspector';
import { SchemaController } from './schema/schema.controller';
import { SchemaRepository } from './schema/schema.repository';
import { SchemaService } from './schema/schema.service';
import { TypesInTransaction } from './schema/types-in-transaction';

/** The core: schema, objects, links, history, events, import and self-description. */
const CORE_PROVIDERS = [
  OntologyPermissions,
  SchemaRepository,
  TypesInTransaction,
  ObjectsRepository,
  LinksRepository,
  HistoryRepository,
  OntologyEvents,
  ObjectWriter,
  BulkObjectWriter,
  LinkWriter,
  SchemaDataInspector,
  SchemaChangePlanner,
  SchemaService,
  ObjectsService,
  LinksService,
  EventsService,
  ImportService,
  ActionDescriptionRegistry,
  OntologyDescriber,
];

const CORE_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [
  SchemaController,
  ObjectsController,
  LinksController,
  EventsController,
  ImportController,
  DescribeController,
];

/** Wiring of the ontology layer: controllers, services and repositories are registered here. */
@Module({})
export class OntologyModule {
  static forRoot(config: StrataConfig): DynamicModule {
    void config;
    return {
      module: OntologyModule,
      controllers: [...CORE_CONTROLLERS, ...ACTION_CONTROLLERS, ...QUERY_CONTROLLERS],
      providers: [...CORE_PROVIDERS, ...ACTION_PROVIDERS, ...QUERY_PROVIDERS],
      exports: [...CORE_PROVIDERS],
    };
  }
}
