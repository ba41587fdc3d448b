import { Inject, Injectable } from '@nestjs/common';
import { CredentialVault } from '../credentials/credential-vault';
import type { ModelProvider, ProviderEndpointConfig } from '../providers/model-provider';
import { createModelProvider } from '../providers/provider-factory';
import type { ProviderEndpoint } from '../routing/tenant-catalog';
import { MODEL_GATEWAY_OPTIONS, type ModelGatewayOptions } from './model-gateway-options';

/** Adapters this process keeps (least recently built dropped first). */
const MAX_ADAPTERS = 10_000;

/**
 * Provider adapters, built with `createModelProvider` from the decrypted credential and cached per
 * provider id, credential version and row update time: replacing a credential or changing the row
 * builds a new adapter on the next call; `evict` drops one at once (this node's changes).
 */
@Injectable()
export class ProviderAdapters {
  private readonly adapters = new Map<string, { version: string; adapter: ModelProvider }>();

  constructor(
    private readonly vault: CredentialVault,
    @Inject(MODEL_GATEWAY_OPTIONS) private readonly options: ModelGatewayOptions,
  ) {}

  adapterFor(endpoint: ProviderEndpoint): ModelProvider {
    const version = `${endpoint.credentialVersion}:${endpoint.updatedAt.getTime()}`;
    const cached = this.adapters.get(endpoint.id);
    if (cached?.version === version) return cached.adapter;
    const config: ProviderEndpointConfig = {
      kind: endpoint.kind,
      baseUrl: endpoint.baseUrl ?? undefined,
      credentials: this.vault.open({ tenantId: endpoint.tenantId, providerId: endpoint.id }, endpoint.credentialCiphertext),
      options: endpoint.options as ProviderEndpointConfig['options'],
      timeoutMs: this.timeoutOf(endpoint),
    };
    const adapter = createModelProvider(config);
    this.adapters.delete(endpoint.id);
    this.adapters.set(endpoint.id, { version, adapter });
    if (this.adapters.size > MAX_ADAPTERS) this.adapters.delete(this.adapters.keys().next().value as string);
    return adapter;
  }

  timeoutOf(endpoint: ProviderEndpoint): number {
    return endpoint.timeoutMs ?? this.options.attemptTimeoutMs;
  }

  evict(providerId: string): void {
    this.adapters.delete(providerId);
  }
}
