import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize } from '@strata/governance';
import { SESSION_SUBJECT } from './runtime-permissions';
import { SessionsService } from './sessions.service';

/** Sessions: a user's conversation with an agent. Bodies and queries are validated by the service. */
@ApiTags('context')
@Controller('context/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  /** `{ agentId, title?, purpose? }` */
  @Post()
  @Authorize('create', SESSION_SUBJECT)
  create(@Body() body: unknown) {
    return this.sessions.createSession(body);
  }

  /** `?agentId=&cursor=&limit=` */
  @Get()
  @Authorize('read', SESSION_SUBJECT)
  list(@Query() query: unknown) {
    return this.sessions.listSessions(query);
  }

  @Get(':id')
  @Authorize('read', SESSION_SUBJECT)
  get(@Param('id') id: string) {
    return this.sessions.getSession(id);
  }

  /** `{ content, policy?: 'queue' | 'interrupt' }` → 202 `{ message, run }` */
  @Post(':id/messages')
  @HttpCode(202)
  @Authorize('message', SESSION_SUBJECT)
  message(@Param('id') id: string, @Body() body: unknown) {
    return this.sessions.postMessage(id, body);
  }
}
