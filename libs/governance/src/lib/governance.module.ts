import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyAuthenticator } from './api-keys/api-key-authenticator';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysRepository } from './api-keys/api-keys.repository';
import { ApiKeysService } from './api-keys/api-keys.service';
import { VerifiedApiKeyCache } from './api-keys/verified-api-key-cache';
import { APPROVAL_CONTROLLERS, APPROVAL_PROVIDERS } from './approvals/approvals.providers';
import { AUDIT_CONTROLLERS, AUDIT_PROVIDERS } from './audit/audit.providers';
import { AuthenticationGuard } from './authn/authentication.guard';
import { RequestAuthenticator } from './authn/request-authenticator';
import { OidcAuthenticator } from './authn/oidc-authenticator';
import { OidcProvidersRepository } from './authn/oidc-providers.repository';
import { OidcProvidersService } from './authn/oidc-providers.service';
import { AuthorizationGuard } from './authz/authorization.guard';
import { OBSERVABILITY_ACCESS_PROVIDER } from './authz/observability-access.provider';
import { AuthorizationService } from './authz/authorization.service';
import { PermissionCatalog } from './authz/permission-catalog';
import { TenantProvisioningService } from './bootstrap/tenant-provisioning.service';
import { DecisionsRepository } from './decisions/decisions.repository';
import { DecisionsService } from './decisions/decisions.service';
import { MutationRunner } from './http/mutation-runner';
import { IdentityController } from './identity/identity.controller';
import { MembersRepository } from './identity/members.repository';
import { MembersService } from './identity/members.service';
import { ServiceAccountsRepository } from './identity/service-accounts.repository';
import { ServiceAccountsService } from './identity/service-accounts.service';
import { TenantService } from './identity/tenant.service';
import { TenantsRepository } from './identity/tenants.repository';
import { AccessController } from './policies/access.controller';
import { PoliciesRepository } from './policies/policies.repository';
import { PoliciesService } from './policies/policies.service';
import { PurposesRepository } from './purposes/purposes.repository';
import { PurposesService } from './purposes/purposes.service';
import { APPROVAL_OPTIONS, type ApprovalOptions } from './approvals/approval-options';
import { AUDIT_OPTIONS, type AuditOptions } from './audit/audit-options';

export interface GovernanceModuleOptions {
  audit: AuditOptions;
  approvals: ApprovalOptions;
}

/**
 * The platform's one access model. Importing it makes every route authenticated (unless
 * `@Public()`) and `@Authorize`-checked, and gives the other layers `AuthorizationService`,
 * `AuditLog`, approvals and the `PermissionCatalog` to register their subjects in.
 */
@Module({})
export class GovernanceModule {
  static forRoot(options: GovernanceModuleOptions): DynamicModule {
    return {
      module: GovernanceModule,
      global: true,
      controllers: [IdentityController, ApiKeysController, AccessController, ...AUDIT_CONTROLLERS, ...APPROVAL_CONTROLLERS],
      providers: [
        { provide: AUDIT_OPTIONS, useValue: options.audit },
        { provide: APPROVAL_OPTIONS, useValue: options.approvals },
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_GUARD, useClass: AuthorizationGuard },
        RequestAuthenticator,
        MutationRunner,
        PermissionCatalog,
        AuthorizationService,
        PoliciesRepository,
        PoliciesService,
        DecisionsRepository,
        DecisionsService,
        TenantsRepository,
        TenantService,
        MembersRepository,
        MembersService,
        ServiceAccountsRepository,
        ServiceAccountsService,
        ApiKeysRepository,
        ApiKeysService,
        ApiKeyAuthenticator,
        VerifiedApiKeyCache,
        OidcProvidersRepository,
        OidcProvidersService,
        OidcAuthenticator,
        PurposesRepository,
        PurposesService,
        TenantProvisioningService,
        OBSERVABILITY_ACCESS_PROVIDER,
        ...AUDIT_PROVIDERS,
        ...APPROVAL_PROVIDERS,
      ],
      exports: [AuthorizationService, RequestAuthenticator, PermissionCatalog, TenantProvisioningService, MutationRunner, PurposesService, OBSERVABILITY_ACCESS_PROVIDER, ...AUDIT_PROVIDERS, ...APPROVAL_PROVIDERS],
    };
  }
}
