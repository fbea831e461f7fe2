import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { decodeEnvelope, strictBase64 } from './flow-envelope.js';

describe('strictBase64', () => {
  it('decodes standard base64 of every padding', () => {
    for (const length of [1, 2, 3, 16, 256, 700]) {
      const bytes = randomBytes(length);
      expect(strictBase64(bytes.toString('base64'))).toEqual(bytes);
    }
  });

  it.each([
    ['characters outside the alphabet', 'AAA!'],
    ['a space inside', 'AAAA AAA'],
    ['a line break inside', 'AAAA\nAAA'],
    ['padding in the middle', 'AB=C'],
    ['padding alone', '===='],
    ['too much padding', 'A==='],
    ['padding that hides a missing character', 'AA!='],
    ['a length not a multiple of 4', 'AAAAA'],
    ['the URL-safe alphabet', 'ab-_ab-_'],
    ['a letter outside ASCII', 'AAAé'],
    ['nothing', ''],
  ])('refuses %s', (_, value) => {
    expect(strictBase64(value)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 1234, ['AAAA'], { length: 4 }]) expect(strictBase64(value)).toBeUndefined();
  });
});

describe('decodeEnvelope', () => {
  const envelope = {
    encrypted_flow_data: randomBytes(40).toString('base64'),
    encrypted_aes_key: randomBytes(256).toString('base64'),
    initial_vector: randomBytes(16).toString('base64'),
  };

  it('decodes the three fields', () => {
    const decoded = decodeEnvelope(envelope);
    expect(decoded).toEqual({
      ciphertext: Buffer.from(envelope.encrypted_flow_data, 'base64'),
      wrappedKey: Buffer.from(envelope.encrypted_aes_key, 'base64'),
      iv: Buffer.from(envelope.initial_vector, 'base64'),
    });
  });

  it('names the first field that is wrong', () => {
    expect(decodeEnvelope({ ...envelope, initial_vector: 'ab-_ab-_ab-_ab-_ab-_ab==' })).toEqual({ invalid: 'initial_vector' });
    expect(decodeEnvelope({ ...envelope, encrypted_aes_key: undefined, initial_vector: '' })).toEqual({ invalid: 'encrypted_aes_key' });
    expect(decodeEnvelope({})).toEqual({ invalid: 'encrypted_flow_data' });
  });
});
