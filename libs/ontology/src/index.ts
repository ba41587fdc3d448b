export { OntologyModule } from './lib/ontology.module';
export { OntologyError } from './lib/ontology.errors';
