import { Injectable } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.service';
import { AuthorizationService } from '../authz/authorization.service';
import { pageOf, type Page } from '../http/paging';
import { MutationRunner } from '../http/mutation-runner';
import { VerifiedApiKeyCache } from '../api-keys/verified-api-key-cache';
import { AlreadyExistsError, isUniqueViolation, NotFoundInTenantError } from './identity.errors';
import { MembersRepository, type MemberRow } from './members.repository';

@Injectable()
export class MembersService {
  constructor(
    private readonly members: MembersRepository,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
    private readonly verifiedKeys: VerifiedApiKeyCache,
  ) {}

  async list(limit: number, cursor?: string): Promise<Page<MemberRow>> {
    return pageOf(await this.members.list(await this.authorization.accessibleWhere('read', 'Membership'), limit, cursor), limit);
  }

  async get(id: string): Promise<MemberRow> {
    const member = await this.members.find(id);
    if (!member) throw new NotFoundInTenantError('member', id);
    await this.authorization.authorize('read', 'Membership', flatten(member));
    return member;
  }

  async add(input: { email: string; displayName: string; roles: string[] }): Promise<MemberRow> {
    await this.authorization.authorize('create', 'Membership', { roles: input.roles }, { fields: ['roles'] });
    try {
      return await this.mutations.run('membership.create', async (tx) => {
        const member = await this.members.add(input, tx);
        await this.audit.append(
          { action: 'membership.create', outcome: 'success', target: { type: 'Membership', id: member.id }, details: { userId: member.userId, roles: member.roles } },
          tx,
        );
        return member;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AlreadyExistsError('member', input.email);
      throw error;
    }
  }

  async updateRoles(id: string, roles: string[]): Promise<MemberRow> {
    const member = await this.members.find(id);
    if (!member) throw new NotFoundInTenantError('member', id);
    // Both sides are checked: admins may neither grant nor take away the owner role.
    await this.authorization.authorize('update', 'Membership', flatten(member), { fields: ['roles'] });
    await this.authorization.authorize('update', 'Membership', { ...flatten(member), roles }, { fields: ['roles'] });
    const updated = await this.mutations.run('membership.update', async (tx) => {
      const row = await this.members.updateRoles(id, roles, tx);
      await this.audit.append(
        { action: 'membership.update', outcome: 'success', target: { type: 'Membership', id }, details: { before: member.roles, after: roles } },
        tx,
      );
      return row;
    });
    // The member's personal keys carry these roles: authenticate them afresh.
    this.verifiedKeys.clear();
    return updated;
  }

  async remove(id: string): Promise<void> {
    const member = await this.members.find(id);
    if (!member) throw new NotFoundInTenantError('member', id);
    await this.authorization.authorize('delete', 'Membership', flatten(member));
    await this.mutations.run('membership.delete', async (tx) => {
      await this.members.remove(id, tx);
      await this.audit.append(
        { action: 'membership.delete', outcome: 'success', target: { type: 'Membership', id }, details: { userId: member.userId, roles: member.roles } },
        tx,
      );
    });
    this.verifiedKeys.clear();
  }
}

/** The membership's own columns: what CASL conditions and the database filter see. */
function flatten(member: MemberRow): Record<string, unknown> {
  const { user: _user, ...membership } = member;
  return membership;
}
