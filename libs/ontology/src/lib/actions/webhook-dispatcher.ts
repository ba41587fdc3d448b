import { createHmac } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { withSpan } from '@strata/kernel';
import { ACTION_LIMITS } from './action-parameters';
import type { PreparedWebhook } from './effects-executor';

/** How one webhook call went (stored in the action log). */
export interface WebhookDelivery {
  effect: number;
  url: string;
  delivered: boolean;
  status: number | null;
  durationMs: number;
  error: string | null;
  /** The start of the response body, for diagnosis. */
  response: string | null;
}

export const SIGNATURE_HEADER = 'x-strata-signature';
export const TIMESTAMP_HEADER = 'x-strata-timestamp';

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, the value of `X-Strata-Signature`. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Sends an applied action's webhooks, after its transaction committed: an HTTP POST of JSON, signed
 * (`X-Strata-Signature` over the timestamp and body, with the action type's secret), with the
 * effect's timeout. A 2xx is delivered; anything else (status, timeout, network error) is recorded
 * as failed and does not undo the committed effects — the action log shows it, nothing retries it.
 */
@Injectable()
export class WebhookDispatcher {
  private readonly logger = new Logger('WebhookDispatcher');

  async send(webhooks: readonly PreparedWebhook[], secret: string, headers: Record<string, string>, defaultBody: unknown): Promise<WebhookDelivery[]> {
    const deliveries: WebhookDelivery[] = [];
    for (const webhook of webhooks) deliveries.push(await this.sendOne(webhook, secret, headers, defaultBody));
    return deliveries;
  }

  private sendOne(webhook: PreparedWebhook, secret: string, headers: Record<string, string>, defaultBody: unknown): Promise<WebhookDelivery> {
    return withSpan('ontology.action.webhook', { 'url.full': webhook.url }, async () => {
      const body = JSON.stringify(webhook.body === undefined ? defaultBody : webhook.body);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const started = performance.now();
      const base = { effect: webhook.effect, url: webhook.url };
      try {
        const response = await fetch(webhook.url, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: webhookSignature(secret, timestamp, body) },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(webhook.timeoutMs ?? ACTION_LIMITS.webhookTimeoutMsDefault),
        });
        const text = (await response.text().catch(() => '')).slice(0, ACTION_LIMITS.webhookResponseBytesMax);
        const delivered = response.status >= 200 && response.status < 300;
        return { ...base, delivered, status: response.status, durationMs: Math.round(performance.now() - started), error: delivered ? null : `HTTP ${response.status}`, response: text || null };
      } catch (error) {
        const message = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError') ? `timed out after ${webhook.timeoutMs} ms` : String((error as Error)?.message ?? error);
        this.logger.warn({ url: webhook.url, err: message }, 'action webhook failed');
        return { ...base, delivered: false, status: null, durationMs: Math.round(performance.now() - started), error: message, response: null };
      }
    });
  }
}
