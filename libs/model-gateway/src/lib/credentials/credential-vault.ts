import { Inject, Injectable } from '@nestjs/common';
import type { ProviderCredentials } from '../providers/model-provider';
import { CredentialCipher, CredentialOpenError, type CredentialBinding } from './credential-cipher';
import { CredentialUnreadableError } from './credentials.errors';
import { ModelKeyRing } from './model-key-ring';
import { credentialHint, parseStoredCredentials } from './provider-credentials';

/** The sealed form of a credential as the provider row stores it. */
export interface SealedProviderCredential {
  credentialType: ProviderCredentials['type'];
  credentialCiphertext: string | null;
  credentialKeyId: string | null;
  credentialHint: string | null;
}

/**
 * Seals and opens provider credentials for their row. The only code that sees a decrypted
 * credential besides the adapter factory; nothing it returns or throws contains the secret.
 */
@Injectable()
export class CredentialVault {
  private readonly cipher: CredentialCipher;

  constructor(@Inject(ModelKeyRing) ring: ModelKeyRing) {
    this.cipher = new CredentialCipher(ring);
  }

  get activeKeyId(): string {
    return this.cipher.activeKeyId;
  }

  seal(binding: CredentialBinding, credentials: ProviderCredentials): SealedProviderCredential {
    if (credentials.type === 'none') return { credentialType: 'none', credentialCiphertext: null, credentialKeyId: null, credentialHint: null };
    const { sealed, keyId } = this.cipher.seal(binding, JSON.stringify(credentials));
    return { credentialType: credentials.type, credentialCiphertext: sealed, credentialKeyId: keyId, credentialHint: credentialHint(credentials) };
  }

  open(binding: CredentialBinding, sealed: string | null): ProviderCredentials {
    if (sealed === null) return { type: 'none' };
    let plaintext: string;
    try {
      plaintext = this.cipher.open(binding, sealed);
    } catch (error) {
      throw new CredentialUnreadableError(binding.providerId, error instanceof CredentialOpenError ? error.message : 'the ciphertext is malformed');
    }
    const credentials = parseStoredCredentials(plaintext);
    if (!credentials) throw new CredentialUnreadableError(binding.providerId, 'the decrypted value is not a credential');
    return credentials;
  }

  /** The same credential re-wrapped under the active key (rotation). */
  rewrap(binding: CredentialBinding, sealed: string): { ciphertext: string; keyId: string } {
    try {
      const { sealed: ciphertext, keyId } = this.cipher.rewrap(binding, sealed);
      return { ciphertext, keyId };
    } catch (error) {
      throw new CredentialUnreadableError(binding.providerId, error instanceof CredentialOpenError ? error.message : 'the ciphertext is malformed');
    }
  }
}
