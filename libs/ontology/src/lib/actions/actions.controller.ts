import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize } from '@strata/governance';
import type { Response } from 'express';
import { ActionTypesService } from './action-types.service';
import { ActionsService } from './actions.service';
import { ActionIdPipe } from './action-id.pipe';

/** Thin HTTP edge of action types: the service validates bodies (errors name every bad field). */
@ApiTags('ontology')
@Controller('ontology/action-types')
export class ActionTypesController {
  constructor(
    private readonly types: ActionTypesService,
    private readonly actions: ActionsService,
  ) {}

  /** `?limit=50&cursor=<id>` */
  @Get()
  @Authorize('read', 'OntologyActionType')
  list(@Query() query: unknown) {
    return this.types.list(query);
  }

  @Post()
  @Authorize('create', 'OntologyActionType')
  create(@Body() body: unknown) {
    return this.types.create(body);
  }

  @Get(':id')
  @Authorize('read', 'OntologyActionType')
  get(@Param('id', ActionIdPipe) id: string) {
    return this.types.get(id);
  }

  @Get(':id/versions')
  @Authorize('read', 'OntologyActionType')
  versions(@Param('id', ActionIdPipe) id: string) {
    return this.types.versions(id);
  }

  @Patch(':id')
  @Authorize('update', 'OntologyActionType')
  update(@Param('id', ActionIdPipe) id: string, @Body() body: unknown) {
    return this.types.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize('delete', 'OntologyActionType')
  async remove(@Param('id', ActionIdPipe) id: string): Promise<void> {
    await this.types.remove(id);
  }

  /** `{parameters}` → `{valid, errors, criteria, failures, requiresApproval}`; changes nothing. */
  @Post(':id/validate')
  @HttpCode(200)
  @Authorize('read', 'OntologyActionType')
  validate(@Param('id', ActionIdPipe) id: string, @Body() body: unknown) {
    return this.actions.validate(id, body);
  }

  /** `{parameters, approvalId?}` → 200 `{status: 'applied', action}` or 202 `{status: 'awaiting_approval', action, approvalId}`. */
  @Post(':id/apply')
  @Authorize('apply', 'OntologyActionType')
  async apply(@Param('id', ActionIdPipe) id: string, @Body() body: unknown, @Res({ passthrough: true }) response: Response) {
    const outcome = await this.actions.apply(id, body);
    response.status(outcome.status === 'awaiting_approval' ? 202 : 200);
    return outcome;
  }
}

/** The action log. */
@ApiTags('ontology')
@Controller('ontology/actions')
export class ActionLogController {
  constructor(private readonly actions: ActionsService) {}

  /** `?limit=50&cursor=<id>&actionTypeId=<id>&status=applied` — newest first. */
  @Get()
  @Authorize('read', 'OntologyAction')
  list(@Query() query: unknown) {
    return this.actions.list(query);
  }

  @Get(':id')
  @Authorize('read', 'OntologyAction')
  get(@Param('id', ActionIdPipe) id: string) {
    return this.actions.get(id);
  }

  @Post(':id/revert')
  @HttpCode(200)
  @Authorize('revert', 'OntologyAction')
  revert(@Param('id', ActionIdPipe) id: string) {
    return this.actions.revert(id);
  }
}
