import { Injectable } from '@nestjs/common';
import { RequestContextStore } from '@strata/kernel';
import { AuthorizationService } from '../authz/authorization.service';
import { TenantsRepository } from './tenants.repository';

export interface WhoAmI {
  tenant: { id: string; slug: string; name: string };
  actor: { type: string; id: string; roles: string[] };
  purpose: string | null;
  policyVersion: number;
  /** The compiled rules: what the admin app uses to show or hide actions. */
  rules: unknown[];
}

@Injectable()
export class TenantService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly authorization: AuthorizationService,
  ) {}

  async whoAmI(): Promise<WhoAmI> {
    const context = RequestContextStore.require();
    const tenant = await this.tenants.current();
    const { ability, policyVersion } = await this.authorization.ability();
    return {
      tenant: { id: tenant?.id ?? '', slug: tenant?.slug ?? '', name: tenant?.name ?? '' },
      actor: { type: context.actor?.type ?? 'unknown', id: context.actor?.id ?? '', roles: [...(context.actor?.roles ?? [])] },
      purpose: context.purpose ?? null,
      policyVersion,
      rules: ability.rules,
    };
  }
}
