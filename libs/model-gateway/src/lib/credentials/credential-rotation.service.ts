import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { newId, RequestContextStore } from '@strata/kernel';
import { AuditLog, AuthorizationService, MutationRunner } from '@strata/governance';
import { ProvidersRepository } from '../catalog/providers.repository';
import { ProviderAdapters } from '../gateway/provider-adapters';
import { TenantCatalogCache } from '../routing/tenant-catalog.cache';
import { CredentialVault } from './credential-vault';

/** Credentials re-wrapped per query page. */
const PAGE = 100;

export interface RotationReport {
  activeKeyId: string;
  rewrapped: number;
  /** Credentials that could not be opened (their key is gone or the row was tampered with); left as they are. */
  failed: Array<{ providerId: string; keyId: string | null }>;
}

/**
 * Key rotation: re-wraps every stored credential whose data key is wrapped by an older key under the
 * active one (the first of STRATA_MODEL_KEYS). Runs for the calling tenant (POST
 * /model-gateway/credentials/rotate) and, after each start, for every tenant in the background, so
 * putting a new key first and restarting rotates everything; the old key can be removed from
 * STRATA_MODEL_KEYS once no provider reports it as its `credentialKeyId`. Each re-wrap is audited.
 */
@Injectable()
export class CredentialRotation implements OnApplicationBootstrap {
  private readonly logger = new Logger('CredentialRotation');

  constructor(
    private readonly providers: ProvidersRepository,
    private readonly vault: CredentialVault,
    private readonly catalogs: TenantCatalogCache,
    private readonly adapters: ProviderAdapters,
    private readonly audit: AuditLog,
    private readonly mutations: MutationRunner,
    private readonly authorization: AuthorizationService,
  ) {}

  onApplicationBootstrap(): void {
    void this.rotateAll().then(
      (reports) => {
        const rewrapped = reports.reduce((sum, report) => sum + report.rewrapped, 0);
        const failed = reports.flatMap((report) => report.failed);
        if (rewrapped) this.logger.log(`Re-wrapped ${rewrapped} model provider credential(s) under key ${this.vault.activeKeyId}.`);
        if (failed.length) this.logger.warn(`${failed.length} model provider credential(s) could not be re-wrapped (their key is not configured): ${failed.map((entry) => entry.providerId).join(', ')}.`);
      },
      (error: unknown) => this.logger.warn(`Model key rotation at start failed: ${(error as Error)?.message}`),
    );
  }

  /** Every tenant's credentials, each under a system context of its tenant. */
  async rotateAll(): Promise<RotationReport[]> {
    const reports: RotationReport[] = [];
    for (const tenantId of await this.providers.tenantsWithCredentialsNotUnder(this.vault.activeKeyId)) {
      reports.push(
        await RequestContextStore.run({ requestId: newId(), tenantId, actor: { type: 'system', id: 'model-key-rotation' } }, () => this.rotateTenant()),
      );
    }
    return reports;
  }

  /** The calling principal's request (POST /model-gateway/providers/rotate-credentials): authorized, then the tenant's credentials. */
  async rotateForCaller(): Promise<RotationReport> {
    await this.authorization.authorize('update', 'ModelProvider', { tenantId: RequestContextStore.requireTenantId() }, { fields: ['credentials'] });
    return this.rotateTenant();
  }

  /** The current tenant's credentials. */
  async rotateTenant(): Promise<RotationReport> {
    const tenantId = RequestContextStore.requireTenantId();
    const activeKeyId = this.vault.activeKeyId;
    const report: RotationReport = { activeKeyId, rewrapped: 0, failed: [] };
    const skipped = new Set<string>();
    for (;;) {
      const rows = (await this.providers.credentialsNotUnder(activeKeyId, PAGE + skipped.size)).filter((row) => !skipped.has(row.id));
      if (!rows.length) break;
      for (const row of rows) {
        if (!row.credentialCiphertext || !row.credentialKeyId) continue;
        let next: { ciphertext: string; keyId: string };
        try {
          next = this.vault.rewrap({ tenantId, providerId: row.id }, row.credentialCiphertext);
        } catch {
          skipped.add(row.id);
          report.failed.push({ providerId: row.id, keyId: row.credentialKeyId });
          continue;
        }
        const from = { keyId: row.credentialKeyId, ciphertext: row.credentialCiphertext };
        const changed = await this.mutations.run('model_provider.credentials_rewrap', async (tx) => {
          const result = await this.providers.rewrapCredential(row.id, from, next, tx);
          if (result.count) {
            await this.audit.append(
              { action: 'model_provider.credentials_rewrap', outcome: 'success', target: { type: 'ModelProvider', id: row.id }, details: { name: row.name, fromKeyId: from.keyId, toKeyId: next.keyId } },
              tx,
            );
          }
          return result.count;
        });
        // Zero: the credential was replaced meanwhile (it is then under the active key already).
        report.rewrapped += changed;
        this.adapters.evict(row.id);
      }
    }
    this.catalogs.invalidate(tenantId);
    return report;
  }
}
