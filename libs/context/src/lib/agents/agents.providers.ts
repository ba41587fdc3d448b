import type { DynamicModule, Provider } from '@nestjs/common';
import { AgentPermissions } from './agent-permissions';
import { AgentReferenceChecker } from './agent-references';
import { AgentToolCheck } from './agent-tool-check';
import { AgentsController } from './agents.controller';
import { AgentsRepository } from './agents.repository';
import { AgentsService } from './agents.service';

/** Agents: spec storage and validation, their HTTP API. */
export const AGENT_PROVIDERS: Provider[] = [
  AgentPermissions,
  AgentsRepository,
  AgentReferenceChecker,
  AgentToolCheck,
  AgentsService,
];
export const AGENT_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [AgentsController];
