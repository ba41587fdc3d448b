import { Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authorize } from '@strata/governance';
import { parseInput } from '@strata/kernel';
import { RunReplayer } from './run-replay';
import { RunEventStream } from './run-event-stream';
import { RUN_SUBJECT } from './runtime-permissions';
import { eventsQuerySchema } from './runtime.schemas';
import { SessionsService } from './sessions.service';

/** Runs: list, detail with steps, the context inspector, the event stream, cancel and replay. */
@ApiTags('context')
@Controller('context/runs')
export class RunsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly events: RunEventStream,
    private readonly replayer: RunReplayer,
  ) {}

  /** `?sessionId=&agentId=&status=&cursor=&limit=` */
  @Get()
  @Authorize('read', RUN_SUBJECT)
  list(@Query() query: unknown) {
    return this.sessions.listRuns(query);
  }

  @Get(':id')
  @Authorize('read', RUN_SUBJECT)
  get(@Param('id') id: string) {
    return this.sessions.getRun(id);
  }

  @Get(':id/steps/:index/context')
  @Authorize('read', RUN_SUBJECT)
  context(@Param('id') id: string, @Param('index') index: string) {
    return this.sessions.stepContext(id, index);
  }

  /** Server-sent events; resume with `Last-Event-ID` or `?after=<seq>`. Ends after the terminal event. */
  @Get(':id/events')
  @Authorize('read', RUN_SUBJECT)
  async stream(@Param('id') id: string, @Query() query: unknown, @Headers('last-event-id') lastEventId: string | undefined, @Req() request: Request, @Res() response: Response): Promise<void> {
    const { after } = parseInput(eventsQuerySchema, query);
    const fromHeader = lastEventId !== undefined && /^\d{1,9}$/.test(lastEventId.trim()) ? Number(lastEventId.trim()) : undefined;
    await this.sessions.readableRun(id);
    await this.events.stream(id, fromHeader ?? after ?? 0, request, response);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authorize('cancel', RUN_SUBJECT)
  cancel(@Param('id') id: string) {
    return this.sessions.cancelRun(id);
  }

  @Post(':id/replay')
  @HttpCode(200)
  @Authorize('replay', RUN_SUBJECT)
  replay(@Param('id') id: string) {
    return this.replayer.replay(id);
  }
}
