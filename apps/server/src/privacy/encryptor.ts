import { createCipheriv, createDecipheriv, createHash, randomFillSync, timingSafeEqual } from 'node:crypto';

/** The keys from ENCRYPTION_KEYS: `current` encrypts, every listed key decrypts. */
export interface EncryptionKeys {
  current: string;
  keys: Record<string, Buffer>;
}

export class DecryptionError extends Error {
  constructor(readonly reason: 'unknown-key' | 'malformed' | 'tampered') {
    super(`cannot decrypt a stored value: ${reason}`);
    this.name = 'DecryptionError';
  }
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;
const IV_POOL_SIZE = 4096;

/**
 * AES-256-GCM for personal values that must be read back (a child's name, the contact code).
 * A sealed value is `version (1) | iv (12) | tag (16) | ciphertext`; the key id is stored beside
 * it (a column) so keys can rotate: new values use the current key, old ones still open with the
 * key they were sealed with until they are re-encrypted.
 *
 * The associated data binds a value to its row (e.g. the child's keyed hash): a ciphertext copied
 * into another row does not open. IVs are random (96 bits) and drawn from a pool filled in bulk,
 * which keeps the bulk import fast; a key must seal fewer than 2^32 values (NIST SP 800-38D),
 * far beyond this service's volume — rotate yearly anyway.
 */
export class Encryptor {
  private ivPool = Buffer.alloc(IV_BYTES * IV_POOL_SIZE);
  private ivNext = IV_POOL_SIZE;

  constructor(private readonly keyring: EncryptionKeys) {
    const ids = Object.keys(keyring.keys);
    if (!keyring.keys[keyring.current]) throw new Error('the current encryption key is not in the key ring');
    for (const id of ids) if (keyring.keys[id].length !== 32) throw new Error(`encryption key '${id}' must be 32 bytes`);
  }

  /** The key ring, for a worker thread of this same process (the bulk import's sealers); never to log or send. */
  keyRingForWorkerThread(): EncryptionKeys {
    return this.keyring;
  }

  get currentKeyId(): string {
    return this.keyring.current;
  }

  seal(plaintext: Buffer | string, aad: Buffer): { keyId: string; sealed: Buffer } {
    const iv = this.nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.keyring.keys[this.keyring.current], iv);
    cipher.setAAD(aad);
    // Written in place rather than concatenated: the bulk import seals millions of values.
    const body = cipher.update(plaintext);
    const tail = cipher.final(); // empty for GCM (a stream mode); kept in case
    const sealed = Buffer.allocUnsafe(HEADER_BYTES + body.length + tail.length);
    sealed[0] = VERSION;
    iv.copy(sealed, 1);
    cipher.getAuthTag().copy(sealed, 1 + IV_BYTES);
    body.copy(sealed, HEADER_BYTES);
    tail.copy(sealed, HEADER_BYTES + body.length);
    return { keyId: this.keyring.current, sealed };
  }

  open(keyId: string, sealed: Buffer, aad: Buffer): Buffer {
    const key = this.keyring.keys[keyId];
    if (!key) throw new DecryptionError('unknown-key');
    if (sealed.length < HEADER_BYTES || sealed[0] !== VERSION) throw new DecryptionError('malformed');
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, HEADER_BYTES));
    try {
      return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]);
    } catch {
      throw new DecryptionError('tampered');
    }
  }

  private nextIv(): Buffer {
    if (this.ivNext === IV_POOL_SIZE) {
      // A fresh buffer each time: sealed values keep references to slices of the old one.
      this.ivPool = randomFillSync(Buffer.alloc(IV_BYTES * IV_POOL_SIZE));
      this.ivNext = 0;
    }
    const iv = this.ivPool.subarray(this.ivNext * IV_BYTES, (this.ivNext + 1) * IV_BYTES);
    this.ivNext += 1;
    return iv;
  }
}

/**
 * Compares two secrets (contact codes, tokens) in time independent of where they differ and of
 * their lengths: both are hashed to 32 bytes first, then compared with timingSafeEqual.
 */
export function sameSecret(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
