import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seal, unseal } from '../../src/shared/seal.ts';

const key = randomBytes(32);

/** A sealed value with one byte of its decoded body XOR-ed, re-encoded in the same format. */
function flipByte(sealed: string, index: number): string {
  const raw = Buffer.from(sealed.slice(3), 'base64');
  raw[index] = (raw[index] ?? 0) ^ 0x01;
  return `v1.${raw.toString('base64')}`;
}

const identity = { anonymous: false, enterprise: '91410100MA44XXXX0X', contact: '65f0c0ffee0000000000abcd', name: '张三' };

describe('seal / unseal', () => {
  it('round-trips a JSON value', () => {
    const sealed = seal(identity, key);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain('张三');
    expect(sealed).not.toContain('91410100MA44XXXX0X');
    expect(unseal<typeof identity>(sealed, key)).toEqual(identity);
  });

  it('round-trips scalars and empty values', () => {
    for (const value of ['', '举报人', 0, 42.5, true, null, [], {}, [1, { a: 'b' }]]) {
      expect(unseal(seal(value, key), key)).toEqual(value);
    }
  });

  it('lays out iv (12) | tag (16) | ciphertext', () => {
    const raw = Buffer.from(seal(identity, key).slice(3), 'base64');
    expect(raw.length).toBe(12 + 16 + Buffer.byteLength(JSON.stringify(identity), 'utf8'));
  });

  it('fails with a different key', () => {
    const sealed = seal(identity, key);
    const other = randomBytes(32);
    expect(() => unseal(sealed, other)).toThrow();
  });

  it('fails when any byte of the sealed text is flipped (the GCM tag)', () => {
    const sealed = seal(identity, key);
    const length = Buffer.from(sealed.slice(3), 'base64').length;
    // First and last byte of the IV, the tag and the ciphertext.
    for (const index of [0, 11, 12, 27, 28, length - 1]) {
      const forged = flipByte(sealed, index);
      expect(forged).not.toBe(sealed);
      expect(() => unseal(forged, key), `byte ${index}`).toThrow();
    }
  });

  it('fails when the ciphertext is truncated or extended', () => {
    const sealed = seal(identity, key);
    const raw = Buffer.from(sealed.slice(3), 'base64');
    expect(() => unseal(`v1.${raw.subarray(0, raw.length - 1).toString('base64')}`, key)).toThrow();
    expect(() => unseal(`v1.${Buffer.concat([raw, Buffer.from([0])]).toString('base64')}`, key)).toThrow();
  });

  it('gives two seals of the same value different texts (a random IV), both opening to the value', () => {
    const a = seal(identity, key);
    const b = seal(identity, key);
    expect(a).not.toBe(b);
    expect(a.slice(3, 19)).not.toBe(b.slice(3, 19)); // the base64 of the first 12 bytes: the IV
    expect(unseal(a, key)).toEqual(identity);
    expect(unseal(b, key)).toEqual(identity);
  });

  it('throws on a key that is not 32 bytes', () => {
    for (const bad of [randomBytes(0), randomBytes(16), randomBytes(31), randomBytes(33), randomBytes(64)]) {
      expect(() => seal(identity, bad)).toThrow('DATA_KEY must be 32 bytes');
    }
    const sealed = seal(identity, key);
    expect(() => unseal(sealed, randomBytes(16))).toThrow();
    expect(() => unseal(sealed, key.subarray(0, 31))).toThrow();
  });

  it('refuses an unknown format', () => {
    const sealed = seal(identity, key);
    expect(() => unseal(`v2.${sealed.slice(3)}`, key)).toThrow('unknown sealed format');
    expect(() => unseal(sealed.slice(3), key)).toThrow('unknown sealed format');
  });
});
