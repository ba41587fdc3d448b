import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { OidcProvidersService } from '../authn/oidc-providers.service';
import { Authorize } from '../authz/authorize.decorator';
import { DecisionsService } from '../decisions/decisions.service';
import { IdParamPipe } from '../http/id-param.pipe';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import {
  decisionQuerySchema,
  oidcProviderSchema,
  policyPublishSchema,
  purposeSchema,
  replaySchema,
  updatePurposeSchema,
} from '../identity/identity.schemas';
import { PurposesService } from '../purposes/purposes.service';
import { PoliciesService } from './policies.service';

/** Roles, policies, purposes, OIDC providers and decision records: the tenant's access model. */
@ApiTags('governance')
@Controller('governance')
export class AccessController {
  constructor(
    private readonly policies: PoliciesService,
    private readonly purposes: PurposesService,
    private readonly providers: OidcProvidersService,
    private readonly decisions: DecisionsService,
  ) {}

  @Get('roles')
  roles() {
    return this.policies.roles();
  }

  @Get('policies/current')
  @Authorize('read', 'PolicyVersion')
  currentPolicy() {
    return this.policies.current();
  }

  @Get('policies')
  @Authorize('read', 'PolicyVersion')
  policyVersions() {
    return this.policies.versions();
  }

  @Get('policies/:version')
  @Authorize('read', 'PolicyVersion')
  policyVersion(@Param('version', ParseIntPipe) version: number) {
    return this.policies.version(version);
  }

  @Post('policies/validate')
  @HttpCode(200)
  @Authorize('update', 'PolicyVersion')
  validatePolicy(@Body(new ZodValidationPipe(policyPublishSchema)) input: z.output<typeof policyPublishSchema>) {
    return { valid: true, rules: this.policies.validate(input.rules) };
  }

  @Put('policies')
  @Authorize('update', 'PolicyVersion')
  publishPolicy(@Body(new ZodValidationPipe(policyPublishSchema)) input: z.output<typeof policyPublishSchema>) {
    return this.policies.publish(input.rules, input.comment);
  }

  @Get('purposes')
  @Authorize('read', 'Purpose')
  listPurposes(@Query('includeArchived') includeArchived?: string) {
    return this.purposes.list(includeArchived === 'true');
  }

  @Post('purposes')
  @Authorize('create', 'Purpose')
  createPurpose(@Body(new ZodValidationPipe(purposeSchema)) input: z.output<typeof purposeSchema>) {
    return this.purposes.create(input);
  }

  @Patch('purposes/:id')
  @Authorize('update', 'Purpose')
  updatePurpose(@Param('id', IdParamPipe) id: string, @Body(new ZodValidationPipe(updatePurposeSchema)) input: z.output<typeof updatePurposeSchema>) {
    return this.purposes.update(id, input);
  }

  @Get('oidc-providers')
  @Authorize('read', 'OidcProvider')
  listProviders() {
    return this.providers.list();
  }

  @Post('oidc-providers')
  @Authorize('create', 'OidcProvider')
  createProvider(@Body(new ZodValidationPipe(oidcProviderSchema)) input: z.output<typeof oidcProviderSchema>) {
    return this.providers.create({ ...input, jwksUri: input.jwksUri ?? null });
  }

  @Patch('oidc-providers/:id')
  @Authorize('update', 'OidcProvider')
  updateProvider(
    @Param('id', IdParamPipe) id: string,
    @Body(new ZodValidationPipe(oidcProviderSchema.partial())) input: Partial<z.output<typeof oidcProviderSchema>>,
  ) {
    return this.providers.update(id, input);
  }

  @Delete('oidc-providers/:id')
  @HttpCode(204)
  @Authorize('delete', 'OidcProvider')
  async removeProvider(@Param('id', IdParamPipe) id: string): Promise<void> {
    await this.providers.remove(id);
  }

  @Get('decisions')
  @Authorize('read', 'AuthorizationDecision')
  listDecisions(@Query(new ZodValidationPipe(decisionQuerySchema)) query: z.output<typeof decisionQuerySchema>) {
    return this.decisions.list(query);
  }

  @Get('decisions/:id')
  @Authorize('read', 'AuthorizationDecision')
  getDecision(@Param('id', IdParamPipe) id: string) {
    return this.decisions.get(id);
  }

  /** Re-evaluates a stored decision under the current policy, or `policyVersion`, and says whether the outcome changes. */
  @Post('decisions/:id/replay')
  @HttpCode(200)
  @Authorize('replay', 'AuthorizationDecision')
  replay(@Param('id', IdParamPipe) id: string, @Body(new ZodValidationPipe(replaySchema)) input: z.output<typeof replaySchema>) {
    return this.decisions.replay(id, input.policyVersion);
  }
}
