import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize } from '@strata/governance';
import { expectedAgentVersion } from './agent-input';
import { AgentIdPipe } from './agent-id.pipe';
import type { AgentRecord } from './agent-record';
import { agentSpecJsonSchema } from './agent-spec-json-schema';
import { AgentNotFoundError } from './agents.errors';
import { AgentsService } from './agents.service';

interface HeaderSink {
  setHeader(name: string, value: string): void;
}

/** Thin HTTP edge of agents: the service validates bodies (spec errors carry their paths). */
@ApiTags('context')
@Controller('context/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  /** `?limit=50&cursor=<id>&q=<name contains>` — the agents the caller may read. */
  @Get()
  @Authorize('read', 'Agent')
  list(@Query() query: unknown) {
    return this.agents.list(query);
  }

  /** `{name, description?, spec}` → 201 the agent (version 1). */
  @Post()
  @Authorize('create', 'Agent')
  async create(@Body() body: unknown, @Res({ passthrough: true }) response: HeaderSink) {
    return withEtag(await this.agents.create(body), response);
  }

  /** The spec's JSON Schema (from agentSpecSchema), for editors. */
  @Get('spec-schema')
  @Authorize('read', 'Agent')
  specSchema() {
    return agentSpecJsonSchema();
  }

  /** `{spec, agentId?}` → 200 `{valid: true, spec}` with defaults filled, or the 400 a save would give. Saves nothing. */
  @Post('validate')
  @HttpCode(200)
  @Authorize('read', 'Agent')
  validate(@Body() body: { spec?: unknown; agentId?: string } | undefined) {
    return this.agents.validate(body?.spec, typeof body?.agentId === 'string' ? body.agentId : undefined);
  }

  @Get(':id')
  @Authorize('read', 'Agent')
  async get(@Param('id', AgentIdPipe) id: string, @Res({ passthrough: true }) response: HeaderSink) {
    return withEtag(await this.agents.get(id), response);
  }

  /** Every version of the agent, newest first. */
  @Get(':id/versions')
  @Authorize('read', 'Agent')
  versions(@Param('id', AgentIdPipe) id: string) {
    return this.agents.versions(id);
  }

  @Get(':id/versions/:version')
  @Authorize('read', 'Agent')
  version(@Param('id', AgentIdPipe) id: string, @Param('version') version: string) {
    // A version that is not a number names nothing: 404, like a malformed id.
    if (!/^[1-9][0-9]{0,8}$/.test(version)) throw new AgentNotFoundError(`${id}@${version.slice(0, 20)}`);
    return this.agents.getVersion(id, Number(version));
  }

  /** `{name?, description?, spec?, expectedVersion?}` with `If-Match: "<version>"` or expectedVersion; stale → 409. */
  @Patch(':id')
  @Authorize('update', 'Agent')
  async update(
    @Param('id', AgentIdPipe) id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: HeaderSink,
  ) {
    const fromBody = typeof (body as { expectedVersion?: unknown } | undefined)?.expectedVersion === 'number' ? (body as { expectedVersion: number }).expectedVersion : undefined;
    return withEtag(await this.agents.update(id, body, expectedAgentVersion(fromBody, ifMatch)), response);
  }

  /** Soft delete; 409 `context.agent_has_active_runs` while runs of the agent are active. */
  @Delete(':id')
  @HttpCode(204)
  @Authorize('delete', 'Agent')
  async remove(@Param('id', AgentIdPipe) id: string): Promise<void> {
    await this.agents.remove(id);
  }
}

function withEtag(agent: AgentRecord, response: HeaderSink): AgentRecord {
  response.setHeader('ETag', `"${agent.version}"`);
  return agent;
}
