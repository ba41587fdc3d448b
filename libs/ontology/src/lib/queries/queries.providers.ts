import { OntologyQueriesService } from './ontology-queries.service';
import { QueriesController } from './queries.controller';

export const QUERY_PROVIDERS = [OntologyQueriesService];
export const QUERY_CONTROLLERS = [QueriesController];
