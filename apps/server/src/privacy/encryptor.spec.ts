import { DecryptionError, Encryptor, sameSecret } from './encryptor';

const k1 = Buffer.alloc(32, 1);
const k2 = Buffer.alloc(32, 2);
const aad = Buffer.from('child-hash');

describe('the AES-256-GCM encryptor', () => {
  it('given a value sealed with the current key, then it opens with the same key id and associated data', () => {
    const encryptor = new Encryptor({ current: 'k1', keys: { k1 } });
    const { keyId, sealed } = encryptor.seal('Lina', aad);
    expect(keyId).toBe('k1');
    expect(sealed.includes(Buffer.from('Lina'))).toBe(false);
    expect(encryptor.open(keyId, sealed, aad).toString()).toBe('Lina');
  });

  it('given the same value twice, then the ciphertexts differ (fresh IVs)', () => {
    const encryptor = new Encryptor({ current: 'k1', keys: { k1 } });
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i += 1) seen.add(encryptor.seal('Lina', aad).sealed.subarray(1, 13).toString('hex'));
    expect(seen.size).toBe(10_000);
  });

  it('given a rotated key ring, then new values use the new key and old values still open with the old one', () => {
    const before = new Encryptor({ current: 'k1', keys: { k1 } });
    const old = before.seal('ABC123', aad);
    const after = new Encryptor({ current: 'k2', keys: { k2, k1 } });
    expect(after.seal('x', aad).keyId).toBe('k2');
    expect(after.open(old.keyId, old.sealed, aad).toString()).toBe('ABC123');
  });

  it('given a retired key id, a tampered ciphertext, other associated data or a truncated value, then opening fails with a reason', () => {
    const encryptor = new Encryptor({ current: 'k1', keys: { k1 } });
    const { sealed } = encryptor.seal('Lina', aad);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    const reasonOf = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return error instanceof DecryptionError ? error.reason : 'other';
      }
      return 'opened';
    };
    expect(reasonOf(() => encryptor.open('k0', sealed, aad))).toBe('unknown-key');
    expect(reasonOf(() => encryptor.open('k1', tampered, aad))).toBe('tampered');
    expect(reasonOf(() => encryptor.open('k1', sealed, Buffer.from('another child')))).toBe('tampered');
    expect(reasonOf(() => encryptor.open('k1', sealed.subarray(0, 20), aad))).toBe('malformed');
  });

  it('given a short key or a current key missing from the ring, then it refuses to start', () => {
    expect(() => new Encryptor({ current: 'k1', keys: { k1: Buffer.alloc(16) } })).toThrow(/32 bytes/);
    expect(() => new Encryptor({ current: 'k9', keys: { k1 } })).toThrow(/not in the key ring/);
  });
});

describe('secret comparison', () => {
  it.each([
    ['ABC123', 'ABC123', true],
    ['ABC123', 'ABC124', false],
    ['ABC123', 'ABC1234', false],
    ['', '', true],
  ])('%p vs %p: %p', (a, b, same) => {
    expect(sameSecret(a, b)).toBe(same);
  });
});
