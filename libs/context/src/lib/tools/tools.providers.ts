import type { DynamicModule, Provider } from '@nestjs/common';
import { BuiltinToolProvider } from './builtin-tool-provider';
import { HttpToolProvider } from './http-tool-provider';
import { OntologyActionToolProvider } from './ontology-action-tool-provider';
import { SafeHttpFetcher } from './safe-http-fetch';
import { ToolPermissions } from './tool-permissions';
import { ToolPrincipalRolesRepository } from './tool-principal-roles.repository';
import { ToolRegistry } from './tool-registry';
import { VectorSearchToolProvider } from './vector-search-tool-provider';

export const TOOL_PROVIDERS_LIST: Provider[] = [
  ToolRegistry,
  ToolPermissions,
  ToolPrincipalRolesRepository,
  BuiltinToolProvider,
  OntologyActionToolProvider,
  VectorSearchToolProvider,
  HttpToolProvider,
  // The system resolver and real connections; tests override it (mock DNS, a local stand-in for the internet).
  { provide: SafeHttpFetcher, useFactory: () => new SafeHttpFetcher() },
];
export const TOOL_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [];
