import { Injectable } from '@nestjs/common';
import type { Prisma } from '@strata/db';
import { RequestContextStore } from '@strata/kernel';
import { AuditLog, AuthorizationService, MutationRunner } from '@strata/governance';
import { TenantCatalogCache } from '../routing/tenant-catalog.cache';
import { GatewaySettingsRepository } from '../settings/gateway-settings.repository';
import { AliasesRepository, type AliasRow } from './aliases.repository';
import { LOCAL_EMBEDDING_MODEL } from './built-in-catalog';
import { CatalogModelsRepository } from './catalog-models.repository';
import { toAliasDto, type ModelAliasDto } from './catalog.dto';
import { CatalogInUseError, CatalogLimitError, CatalogNameTakenError, CatalogRecordNotFoundError, InvalidCatalogInputError } from './catalog.errors';
import { CATALOG_LIMITS, type AliasTarget, type CreateAliasInput, type UpdateAliasInput } from './catalog.schemas';
import { isUniqueViolation } from './prisma-errors';
import { countUnderQuotaLock } from './tenant-quota-lock';

/** Aliases: the routing policies callers name (`fast`, `embedding-default`), with their ordered targets. */
@Injectable()
export class AliasesService {
  constructor(
    private readonly aliases: AliasesRepository,
    private readonly models: CatalogModelsRepository,
    private readonly settings: GatewaySettingsRepository,
    private readonly catalogs: TenantCatalogCache,
    private readonly authorization: AuthorizationService,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
  ) {}

  async list(filter: { operation?: string }): Promise<ModelAliasDto[]> {
    const rows = await this.aliases.list(await this.authorization.accessibleWhere('read', 'ModelAlias'), filter, CATALOG_LIMITS.aliasesPerTenant);
    return rows.map(toAliasDto);
  }

  async get(id: string): Promise<ModelAliasDto> {
    const row = await this.require(id);
    await this.authorization.authorize('read', 'ModelAlias', describe(row));
    return toAliasDto(row);
  }

  async create(input: CreateAliasInput): Promise<ModelAliasDto> {
    await this.authorization.authorize('create', 'ModelAlias', { ...input, targets: input.targets.map((target) => target.model) }, { fields: Object.keys(input) });
    const tenantId = RequestContextStore.requireTenantId();
    try {
      const row = await this.mutations.run('model_alias.create', async (tx) => {
        if ((await countUnderQuotaLock(tx, 'model_alias', (db) => this.aliases.count(db))) >= CATALOG_LIMITS.aliasesPerTenant) throw new CatalogLimitError('aliases', CATALOG_LIMITS.aliasesPerTenant);
        await this.checkTargets(input.operation, input.targets, tx);
        await this.checkTaskClasses(input.operation, input.taskClasses, undefined, tx);
        const created = await this.aliases.create(input, tx);
        await this.audit.append({ action: 'model_alias.create', outcome: 'success', target: { type: 'ModelAlias', id: created.id }, details: describe(created) }, tx);
        return created;
      });
      return toAliasDto(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new CatalogNameTakenError('alias', input.name);
      throw error;
    } finally {
      this.catalogs.invalidate(tenantId);
    }
  }

  async update(id: string, input: UpdateAliasInput): Promise<ModelAliasDto> {
    const row = await this.require(id);
    const changes = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as UpdateAliasInput;
    await this.authorization.authorize(
      'update',
      'ModelAlias',
      { ...describe(row), ...changes, ...(changes.targets ? { targets: changes.targets.map((target) => target.model) } : {}) },
      { fields: Object.keys(changes) },
    );
    const updated = await this.mutations.run('model_alias.update', async (tx) => {
      if (changes.targets) await this.checkTargets(row.operation, changes.targets, tx);
      if (changes.taskClasses) await this.checkTaskClasses(row.operation, changes.taskClasses, id, tx);
      const next = await this.aliases.update(id, changes, tx);
      await this.audit.append(
        { action: 'model_alias.update', outcome: 'success', target: { type: 'ModelAlias', id }, details: { name: row.name, changed: Object.keys(changes), ...changes } },
        tx,
      );
      return next;
    });
    this.catalogs.invalidate(row.tenantId);
    return toAliasDto(updated);
  }

  async delete(id: string): Promise<void> {
    const row = await this.require(id);
    await this.authorization.authorize('delete', 'ModelAlias', describe(row));
    await this.mutations.run('model_alias.delete', async (tx) => {
      const settings = await this.settings.find(tx);
      if (settings && (settings.defaultChatAlias === row.name || settings.defaultEmbeddingAlias === row.name)) {
        throw new CatalogInUseError('alias', row.name, { kind: 'settings', names: [] });
      }
      await this.aliases.delete(id, tx);
      await this.audit.append({ action: 'model_alias.delete', outcome: 'success', target: { type: 'ModelAlias', id }, details: { name: row.name } }, tx);
    });
    this.catalogs.invalidate(row.tenantId);
  }

  /** Every target names a catalog model (or the built-in local one) of the alias's operation. */
  private async checkTargets(operation: string, targets: AliasTarget[], tx: Prisma.TransactionClient): Promise<void> {
    const names = targets.map((target) => target.model);
    const found = new Map((await this.models.findByNames(names, tx)).map((model) => [model.name, model.operation]));
    found.set(LOCAL_EMBEDDING_MODEL, 'embeddings');
    const unknown = names.filter((name) => !found.has(name));
    if (unknown.length) {
      throw new InvalidCatalogInputError(`Unknown catalog model(s): ${unknown.join(', ')}. Targets name catalog models as provider/model.`, { path: 'targets', unknown });
    }
    const mismatched = names.filter((name) => found.get(name) !== operation);
    if (mismatched.length) {
      throw new InvalidCatalogInputError(`A ${operation} alias can only route to ${operation} models; not ${mismatched.join(', ')}.`, { path: 'targets', mismatched });
    }
  }

  /** A task class routes to one alias per operation, or the choice would be arbitrary. */
  private async checkTaskClasses(operation: string, taskClasses: string[], selfId: string | undefined, tx: Prisma.TransactionClient): Promise<void> {
    if (!taskClasses.length) return;
    const wanted = new Set(taskClasses);
    for (const alias of await this.aliases.all(tx)) {
      if (alias.id === selfId || alias.operation !== operation) continue;
      const clash = alias.taskClasses.filter((taskClass) => wanted.has(taskClass));
      if (clash.length) {
        throw new InvalidCatalogInputError(`Task class(es) ${clash.join(', ')} already route to alias ${alias.name}.`, { path: 'taskClasses', clash, alias: alias.name });
      }
    }
  }

  private async require(id: string): Promise<AliasRow> {
    const row = await this.aliases.find(id);
    if (!row) throw new CatalogRecordNotFoundError('alias', id);
    return row;
  }
}

function describe(row: AliasRow): Record<string, unknown> {
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    operation: row.operation,
    strategy: row.strategy,
    taskClasses: row.taskClasses,
    targets: (row.targets as unknown as AliasTarget[]).map((target) => target.model),
    zeroDataRetention: row.zeroDataRetention,
  };
}
