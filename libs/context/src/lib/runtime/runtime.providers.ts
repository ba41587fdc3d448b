import type { DynamicModule, Provider } from '@nestjs/common';
import { AGENT_ACTIVITY } from '../agents/agent-activity';
import { AgentRunner } from './agent-runner';
import { FusedCheckpointsRepository } from './fused-checkpoints.repository';
import { RunEventBus } from './run-event-bus';
import { RunEventStream } from './run-event-stream';
import { RunReplayer } from './run-replay';
import { RunWorker } from './run-worker';
import { RunsController } from './runs.controller';
import { RuntimePermissions } from './runtime-permissions';
import { RuntimeRepository } from './runtime.repository';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

/** The durable agent runtime: sessions, runs, the worker, replay, their HTTP API. */
export const RUNTIME_PROVIDERS: Provider[] = [
  RuntimePermissions,
  RuntimeRepository,
  FusedCheckpointsRepository,
  RunEventBus,
  SessionsService,
  AgentRunner,
  RunWorker,
  RunEventStream,
  RunReplayer,
  // Deleting an agent asks how many of its runs are still active.
  { provide: AGENT_ACTIVITY, useExisting: RuntimeRepository },
];
export const RUNTIME_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [SessionsController, RunsController];
