import { z } from 'zod';
import type { ProviderCredentials } from '../providers/model-provider';

/** Longest secret accepted (API keys, AWS secrets, session tokens are well below this). */
export const CREDENTIAL_MAX_CHARS = 4096;

const secret = z.string().trim().min(1).max(CREDENTIAL_MAX_CHARS);

/** The write-only credential body of POST /model-gateway/providers and PUT …/:id/credentials. */
export const providerCredentialsSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('api-key'), apiKey: secret }).strict(),
  z.object({ type: z.literal('aws'), accessKeyId: z.string().trim().min(1).max(256), secretAccessKey: secret, sessionToken: secret.optional() }).strict(),
  z.object({ type: z.literal('none') }).strict(),
]);

export type CredentialType = ProviderCredentials['type'];

/**
 * What may be shown of a credential: the last 4 characters of an API key or AWS access key id, and
 * only when it is long enough (16+) that they do not give much of it away.
 */
export function credentialHint(credentials: ProviderCredentials): string | null {
  const visible = credentials.type === 'api-key' ? credentials.apiKey : credentials.type === 'aws' ? credentials.accessKeyId : '';
  return visible.length >= 16 ? `…${visible.slice(-4)}` : null;
}

/**
 * Parses what the cipher opened (it passed the schema when it was written). Errors are replaced by
 * one without a message from the parser: V8's JSON errors quote the input, which is the secret.
 */
export function parseStoredCredentials(plaintext: string): ProviderCredentials | undefined {
  try {
    const parsed = providerCredentialsSchema.safeParse(JSON.parse(plaintext));
    return parsed.success ? (parsed.data as ProviderCredentials) : undefined;
  } catch {
    return undefined;
  }
}
