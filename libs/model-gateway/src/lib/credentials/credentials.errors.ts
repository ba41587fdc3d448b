import { ModelGatewayError } from '../model-gateway.errors';

/** STRATA_MODEL_KEYS (or the key file) cannot be used. Raised at start, so the platform never runs with a bad key. */
export class ModelKeyConfigError extends ModelGatewayError {
  constructor(message: string, cause?: unknown) {
    super('model-gateway.model_keys_invalid', 'failed_precondition', message, { cause });
  }
}

/**
 * A stored credential cannot be opened: its key-encryption key is not configured any more, or the
 * ciphertext was altered or moved to another row. The message names the provider and key id only.
 */
export class CredentialUnreadableError extends ModelGatewayError {
  constructor(providerId: string, reason: string) {
    super(
      'model-gateway.credential_unreadable',
      'failed_precondition',
      `The credential of model provider ${providerId} cannot be decrypted (${reason}). Replace it with PUT /model-gateway/providers/${providerId}/credentials, or configure the key it was encrypted with in STRATA_MODEL_KEYS.`,
      { details: { providerId, reason } },
    );
  }
}
