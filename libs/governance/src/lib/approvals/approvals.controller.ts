import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize } from '../authz/authorize.decorator';
import { ApprovalsService } from './approvals.service';

/**
 * Thin HTTP edge of approvals: bodies and queries go to the service unparsed, which validates them
 * (one error code, `governance.approval_invalid_input`, whether called over HTTP or in process).
 * Requester and approver come from the authenticated context, never from a body.
 */
@ApiTags('governance')
@Controller('governance/approvals')
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Post()
  @Authorize('create', 'ApprovalRequest')
  create(@Body() body: unknown) {
    return this.approvals.create(body);
  }

  /** `?status=pending&mine=true&forMe=true&cursor=<id>&limit=50` */
  @Get()
  @Authorize('read', 'ApprovalRequest')
  list(@Query() query: unknown) {
    return this.approvals.list(query);
  }

  @Get(':id')
  @Authorize('read', 'ApprovalRequest')
  get(@Param('id') id: string) {
    return this.approvals.get(id);
  }

  @Post(':id/decisions')
  @HttpCode(200)
  @Authorize('decide', 'ApprovalRequest')
  decide(@Param('id') id: string, @Body() body: unknown) {
    return this.approvals.decide(id, body);
  }

  @Post(':id/comments')
  @Authorize('comment', 'ApprovalRequest')
  comment(@Param('id') id: string, @Body() body: unknown) {
    return this.approvals.comment(id, body);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authorize('cancel', 'ApprovalRequest')
  cancel(@Param('id') id: string, @Body() body: unknown) {
    return this.approvals.cancel(id, body);
  }
}
