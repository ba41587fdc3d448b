import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { ModelKeyRing } from './model-key-ring';

/** Which row a sealed credential belongs to: bound into both layers of encryption as AAD. */
export interface CredentialBinding {
  tenantId: string;
  providerId: string;
}

export interface SealedCredential {
  /** `v1.<keyId>.<wrapped data key>.<ciphertext>`, base64url parts; safe to store, useless without the key ring. */
  sealed: string;
  keyId: string;
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;

/** Why a sealed value did not open; never includes the value. */
export class CredentialOpenError extends Error {}

/**
 * Envelope encryption with AES-256-GCM (node:crypto): each credential gets its own random data key,
 * which encrypts the credential; the active key-encryption key wraps the data key. Both layers are
 * authenticated with AAD naming the tenant and the provider row (and the wrapping key id), so a
 * ciphertext copied into another row, or relabelled with another key id, fails to open. Rotation
 * only re-wraps the 32-byte data key; the credential ciphertext is kept as it is.
 */
export class CredentialCipher {
  constructor(private readonly ring: ModelKeyRing) {}

  get activeKeyId(): string {
    return this.ring.activeKeyId;
  }

  seal(binding: CredentialBinding, plaintext: string): SealedCredential {
    const dataKey = randomBytes(DATA_KEY_BYTES);
    try {
      const body = encrypt(dataKey, Buffer.from(plaintext, 'utf8'), contentAad(binding));
      return this.wrap(binding, dataKey, body);
    } finally {
      dataKey.fill(0);
    }
  }

  open(binding: CredentialBinding, sealed: string): string {
    const parts = parse(sealed);
    const dataKey = this.unwrap(binding, parts);
    try {
      return decrypt(dataKey, parts.body, contentAad(binding)).toString('utf8');
    } catch {
      throw new CredentialOpenError('the ciphertext does not authenticate for this tenant and provider');
    } finally {
      dataKey.fill(0);
    }
  }

  /** The same credential with its data key wrapped by the active key (rotation). */
  rewrap(binding: CredentialBinding, sealed: string): SealedCredential {
    const parts = parse(sealed);
    const dataKey = this.unwrap(binding, parts);
    try {
      // Check the content opens before re-wrapping, so a rotation never blesses a damaged row.
      decrypt(dataKey, parts.body, contentAad(binding));
      return this.wrap(binding, dataKey, parts.body);
    } catch (error) {
      if (error instanceof CredentialOpenError) throw error;
      throw new CredentialOpenError('the ciphertext does not authenticate for this tenant and provider');
    } finally {
      dataKey.fill(0);
    }
  }

  /** The key id a sealed value was wrapped with, without opening it. */
  static keyIdOf(sealed: string): string {
    return parse(sealed).keyId;
  }

  private wrap(binding: CredentialBinding, dataKey: Buffer, body: Buffer): SealedCredential {
    const keyId = this.ring.activeKeyId;
    const kek = this.ring.keyFor(keyId) as Buffer;
    const wrapped = encrypt(kek, dataKey, wrapAad(binding, keyId));
    return { sealed: [VERSION, keyId, wrapped.toString('base64url'), body.toString('base64url')].join('.'), keyId };
  }

  private unwrap(binding: CredentialBinding, parts: ParsedSealed): Buffer {
    const kek = this.ring.keyFor(parts.keyId);
    if (!kek) throw new CredentialOpenError(`key ${parts.keyId} is not in STRATA_MODEL_KEYS`);
    try {
      return decrypt(kek, parts.wrapped, wrapAad(binding, parts.keyId));
    } catch {
      throw new CredentialOpenError(`the data key does not authenticate under key ${parts.keyId} for this tenant and provider`);
    }
  }
}

interface ParsedSealed {
  keyId: string;
  wrapped: Buffer;
  body: Buffer;
}

function parse(sealed: string): ParsedSealed {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION || !parts[1]) throw new CredentialOpenError('not a sealed credential of a known version');
  return { keyId: parts[1], wrapped: Buffer.from(parts[2], 'base64url'), body: Buffer.from(parts[3], 'base64url') };
}

function contentAad(binding: CredentialBinding): Buffer {
  return Buffer.from(`strata/model-provider-credential/${VERSION}/${binding.tenantId}/${binding.providerId}`, 'utf8');
}

function wrapAad(binding: CredentialBinding, keyId: string): Buffer {
  return Buffer.from(`strata/model-provider-data-key/${VERSION}/${binding.tenantId}/${binding.providerId}/${keyId}`, 'utf8');
}

/** iv ‖ tag ‖ ciphertext. */
function encrypt(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

function decrypt(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new CredentialOpenError('the ciphertext is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}
