import { z } from 'zod';

const modelOrAlias = z.string().min(1).max(256).nullable();

/** PUT /model-gateway/settings: fields left out keep their value. */
export const updateGatewaySettingsSchema = z
  .object({
    zeroDataRetention: z.boolean().optional(),
    contentCapture: z.boolean().optional(),
    defaultChatAlias: modelOrAlias.optional(),
    defaultEmbeddingAlias: modelOrAlias.optional(),
  })
  .strict();

export type UpdateGatewaySettingsInput = z.output<typeof updateGatewaySettingsSchema>;

export interface GatewaySettingsDto {
  /** No prompt or response content stored by Strata (spans, logs, usage); providers asked not to retain it. */
  zeroDataRetention: boolean;
  /** Opt-in: redacted prompt/response content on GenAI spans. Has no effect while zeroDataRetention is on. */
  contentCapture: boolean;
  /** Alias (or catalog model) used when a chat call names none. */
  defaultChatAlias: string | null;
  /** Alias (or catalog model) used when an embeddings call names none; null: `embedding-default`. */
  defaultEmbeddingAlias: string | null;
  /** Null until the settings were first saved. */
  updatedAt: string | null;
}
