import { Injectable } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.service';
import { AuthorizationService } from '../authz/authorization.service';
import { MutationRunner } from '../http/mutation-runner';
import { AlreadyExistsError, isUniqueViolation, NotFoundInTenantError } from '../identity/identity.errors';
import { PurposesRepository } from './purposes.repository';

type Purpose = NonNullable<Awaited<ReturnType<PurposesRepository['find']>>>;

/** Purposes a tenant's requests and agent runs may declare (X-Strata-Purpose, or a run's purpose). */
@Injectable()
export class PurposesService {
  constructor(
    private readonly purposes: PurposesRepository,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
  ) {}

  async list(includeArchived: boolean): Promise<Purpose[]> {
    return this.purposes.list(await this.authorization.accessibleWhere('read', 'Purpose'), includeArchived);
  }

  async create(input: { name: string; description: string; requiresJustification: boolean }): Promise<Purpose> {
    await this.authorization.authorize('create', 'Purpose', input, { fields: Object.keys(input) });
    try {
      return await this.mutations.run('purpose.create', async (tx) => {
        const purpose = await this.purposes.create(input, tx);
        await this.audit.append({ action: 'purpose.create', outcome: 'success', target: { type: 'Purpose', id: purpose.id }, details: input }, tx);
        return purpose;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AlreadyExistsError('purpose', input.name);
      throw error;
    }
  }

  async update(id: string, input: { description?: string; requiresJustification?: boolean; archived?: boolean }): Promise<Purpose> {
    const purpose = await this.purposes.find(id);
    if (!purpose) throw new NotFoundInTenantError('purpose', id);
    const { archived, ...rest } = input;
    const changes = { ...rest, ...(archived === undefined ? {} : { archivedAt: archived ? new Date() : null }) };
    await this.authorization.authorize('update', 'Purpose', { ...purpose, ...changes }, { fields: Object.keys(changes) });
    return this.mutations.run('purpose.update', async (tx) => {
      const updated = await this.purposes.update(id, changes, tx);
      await this.audit.append(
        { action: archived ? 'purpose.archive' : 'purpose.update', outcome: 'success', target: { type: 'Purpose', id }, details: { changed: Object.keys(changes) } },
        tx,
      );
      return updated;
    });
  }
}
