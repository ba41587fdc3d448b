import { Inject, Injectable } from '@nestjs/common';
import { RequestContextStore } from '@strata/kernel';
import type { ContentPolicy } from '@strata/observability';
import { GUARDRAIL_PIPELINE, type GuardrailPipeline } from '../gateway/gateway.contract';
import { TenantCatalogCache } from '../routing/tenant-catalog.cache';

/**
 * The observability layer's CONTENT_POLICY: message content goes on GenAI spans only for a tenant
 * that opted in to content capture and is not under zero data retention, and always through the
 * guardrails' redaction. A span asks about the tenant of the request it belongs to; any other
 * tenant gets "no".
 */
@Injectable()
export class GatewayContentPolicy implements ContentPolicy {
  constructor(
    private readonly catalogs: TenantCatalogCache,
    @Inject(GUARDRAIL_PIPELINE) private readonly guardrails: GuardrailPipeline,
  ) {}

  /**
   * From the cached settings only (a span may be opened inside a transaction, where a query would
   * wait on it): before the tenant's catalog was first loaded, content is not recorded. Model calls
   * load the catalog before their spans open, so for them the answer is always current.
   */
  async recordContent(tenantId: string): Promise<boolean> {
    if (RequestContextStore.current()?.tenantId !== tenantId) return false;
    const cached = this.catalogs.cachedOrRefresh();
    if (!cached) return false;
    const { settings } = await cached;
    return settings.contentCapture && !settings.zeroDataRetention;
  }

  redact(text: string): string {
    const tenantId = RequestContextStore.current()?.tenantId;
    // No tenant, no tenant rules: GenAiTelemetry drops content whose redaction throws.
    if (!tenantId) throw new Error('no tenant to redact for');
    return this.guardrails.redactForStorage(tenantId, text);
  }
}
