import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authorize } from '../authz/authorize.decorator';
import { IdParamPipe } from '../http/id-param.pipe';
import { pageQuerySchema } from '../http/paging';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { addMemberSchema, createServiceAccountSchema, updateMemberSchema, updateServiceAccountSchema } from './identity.schemas';
import { MembersService } from './members.service';
import { ServiceAccountsService } from './service-accounts.service';
import { TenantService } from './tenant.service';
import type { z } from 'zod';

@ApiTags('governance')
@Controller('governance')
export class IdentityController {
  constructor(
    private readonly tenant: TenantService,
    private readonly members: MembersService,
    private readonly serviceAccounts: ServiceAccountsService,
  ) {}

  /** The caller: tenant, principal, roles, declared purpose, and the rules that apply to it. */
  @Get('me')
  me() {
    return this.tenant.whoAmI();
  }

  @Get('members')
  @Authorize('read', 'Membership')
  listMembers(@Query(new ZodValidationPipe(pageQuerySchema)) page: z.output<typeof pageQuerySchema>) {
    return this.members.list(page.limit, page.cursor);
  }

  @Get('members/:id')
  @Authorize('read', 'Membership')
  getMember(@Param('id', IdParamPipe) id: string) {
    return this.members.get(id);
  }

  @Post('members')
  @Authorize('create', 'Membership')
  addMember(@Body(new ZodValidationPipe(addMemberSchema)) input: z.output<typeof addMemberSchema>) {
    return this.members.add(input);
  }

  @Patch('members/:id')
  @Authorize('update', 'Membership')
  updateMember(@Param('id', IdParamPipe) id: string, @Body(new ZodValidationPipe(updateMemberSchema)) input: z.output<typeof updateMemberSchema>) {
    return this.members.updateRoles(id, input.roles);
  }

  @Delete('members/:id')
  @HttpCode(204)
  @Authorize('delete', 'Membership')
  async removeMember(@Param('id', IdParamPipe) id: string): Promise<void> {
    await this.members.remove(id);
  }

  @Get('service-accounts')
  @Authorize('read', 'ServiceAccount')
  listServiceAccounts(@Query(new ZodValidationPipe(pageQuerySchema)) page: z.output<typeof pageQuerySchema>) {
    return this.serviceAccounts.list(page.limit, page.cursor);
  }

  @Get('service-accounts/:id')
  @Authorize('read', 'ServiceAccount')
  getServiceAccount(@Param('id', IdParamPipe) id: string) {
    return this.serviceAccounts.get(id);
  }

  @Post('service-accounts')
  @Authorize('create', 'ServiceAccount')
  createServiceAccount(@Body(new ZodValidationPipe(createServiceAccountSchema)) input: z.output<typeof createServiceAccountSchema>) {
    return this.serviceAccounts.create(input);
  }

  @Patch('service-accounts/:id')
  @Authorize('update', 'ServiceAccount')
  updateServiceAccount(
    @Param('id', IdParamPipe) id: string,
    @Body(new ZodValidationPipe(updateServiceAccountSchema)) input: z.output<typeof updateServiceAccountSchema>,
  ) {
    return this.serviceAccounts.update(id, input);
  }
}
