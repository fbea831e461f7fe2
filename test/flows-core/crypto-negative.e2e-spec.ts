import { constants, publicEncrypt, randomBytes, webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encryptRequest } from '../../src/flows-core/crypto/flow-crypto.js';
import { signBody } from '../../src/hub-signature/index.js';
import { flipByte } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestFlowsModule } from './fixtures/test-flows.js';

const ping = { version: '3.0', action: 'ping' };

describe('signature (432)', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ modules: [TestFlowsModule] });
  });
  afterAll(async () => test?.close());

  it('a correctly signed request passes', async () => {
    expect((await test.client.ping('echo')).status).toBe(200);
  });

  it('no signature header is 432 with an empty body', async () => {
    const reply = await test.client.ping('echo', { signWith: null });
    expect(reply.status).toBe(432);
    expect(reply.text).toBe('');
  });

  it('a body signed with another secret is 432', async () => {
    expect((await test.client.ping('echo', { signWith: generateAppSecret() })).status).toBe(432);
  });

  it('a body altered after signing is 432', async () => {
    const reply = await test.client.ping('echo', {
      alterAfterSigning: (body) => Buffer.from(body.toString().replace('{', '{"extra":1,')),
    });
    expect(reply.status).toBe(432);
  });

  it('malformed headers are 432: wrong length, odd digit, wrong prefix, not hex', async () => {
    const { envelope, session } = encryptRequest(ping, test.keys.publicPem);
    const body = Buffer.from(JSON.stringify(envelope));
    const good = signBody(body, test.appSecret);
    const hex = good.slice('sha256='.length);
    const variants = [
      `sha256=${hex.slice(0, 63)}`, // 63 digits
      `${good}0`, // 65 digits: a decoder would drop the odd digit and match
      `sha256=${hex.slice(0, 62)}`,
      `sha1=${hex}`,
      `SHA256=${hex}`,
      `sha256= ${hex}`,
      `sha256=${hex.slice(0, 63)}g`,
      hex,
      'sha256=',
      '',
    ];
    for (const header of variants) {
      const reply = await test.client.post('echo', body, session, { signatureHeader: header });
      expect([header, reply.status]).toEqual([header, 432]);
    }
    // The exact same bytes with the right header pass, so the cases above failed on the header alone.
    expect((await test.client.post('echo', body, session, { signatureHeader: good })).status).toBe(200);
  });

  it('the previous app secret is accepted only while it is configured', async () => {
    const previous = generateAppSecret();
    expect((await test.client.ping('echo', { signWith: previous })).status).toBe(432);
    const rotating = await startTestApp({ modules: [TestFlowsModule], env: { WHATSAPP_APP_SECRET_PREVIOUS: previous } });
    try {
      expect((await rotating.client.ping('echo', { signWith: previous })).status).toBe(200);
      expect((await rotating.client.ping('echo')).status).toBe(200);
    } finally {
      await rotating.close();
    }
  });
});

describe('decryption (421)', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ modules: [TestFlowsModule] });
  });
  afterAll(async () => test?.close());

  const expect421 = async (reply: Promise<{ status: number; text: string }>) => {
    const { status, text } = await reply;
    expect(status).toBe(421);
    expect(text).toBe('');
  };

  it('an AES key wrapped for another RSA key', async () => {
    await expect421(test.client.ping('echo', { encryptFor: generateTestKeyPair().publicPem }));
  });

  it('an AES key wrapped with OAEP SHA-1 (the common Node.js mistake)', async () => {
    await expect421(test.client.ping('echo', { oaepHash: 'sha1' }));
  });

  it.each([
    ['the first byte of encrypted_aes_key', (e: any) => ({ ...e, encrypted_aes_key: flipByte(e.encrypted_aes_key, 0) })],
    ['the last byte of encrypted_aes_key', (e: any) => ({ ...e, encrypted_aes_key: flipByte(e.encrypted_aes_key, -1) })],
    ['a ciphertext byte', (e: any) => ({ ...e, encrypted_flow_data: flipByte(e.encrypted_flow_data, 0) })],
    ['a tag byte', (e: any) => ({ ...e, encrypted_flow_data: flipByte(e.encrypted_flow_data, -1) })],
    ['an IV byte', (e: any) => ({ ...e, initial_vector: flipByte(e.initial_vector, 3) })],
  ])('a flipped byte in %s', async (_, tamper) => {
    await expect421(test.client.ping('echo', { tamper }));
  });

  it.each([
    ['truncated encrypted_aes_key', (e: any) => ({ ...e, encrypted_aes_key: e.encrypted_aes_key.slice(0, 340) })],
    ['encrypted_aes_key of 128 bytes (RSA-1024 sized)', (e: any) => ({ ...e, encrypted_aes_key: randomBytes(128).toString('base64') })],
    ['a 12-byte IV', (e: any) => ({ ...e, initial_vector: randomBytes(12).toString('base64') })],
    ['encrypted_flow_data shorter than a tag', (e: any) => ({ ...e, encrypted_flow_data: randomBytes(8).toString('base64') })],
    ['non-base64 characters', (e: any) => ({ ...e, encrypted_flow_data: `${e.encrypted_flow_data.slice(0, -4)}!!!!` })],
    ['URL-safe base64', (e: any) => ({ ...e, initial_vector: 'ab-_ab-_ab-_ab-_ab-_ab==' })],
    ['a missing encrypted_flow_data', ({ encrypted_flow_data, ...rest }: any) => rest],
    ['a missing encrypted_aes_key', ({ encrypted_aes_key, ...rest }: any) => rest],
    ['a missing initial_vector', ({ initial_vector, ...rest }: any) => rest],
    ['an empty field', (e: any) => ({ ...e, initial_vector: '' })],
    ['a number instead of a string', (e: any) => ({ ...e, initial_vector: 12345 })],
    ['an empty object', () => ({})],
  ])('%s', async (_, tamper) => {
    await expect421(test.client.ping('echo', { tamper }));
  });

  it('a 16-byte key wrapped correctly but a 32-byte AES key is refused', async () => {
    const { envelope, session } = encryptRequest(ping, test.keys.publicPem);
    const wrongKey = publicEncrypt({ key: test.keys.publicPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, randomBytes(32));
    await expect421(test.client.post('echo', Buffer.from(JSON.stringify({ ...envelope, encrypted_aes_key: wrongKey.toString('base64') })), session));
  });

  it('unknown extra envelope fields are ignored', async () => {
    const reply = await test.client.ping('echo', { tamper: (e) => ({ ...e, extra: 'x' }) });
    expect(reply.status).toBe(200);
  });

  it('valid crypto around a plaintext that is not a JSON object is 400, not 500', async () => {
    for (const payload of ['just text', [1, 2], null]) {
      const reply = await test.client.send('echo', payload);
      expect([payload, reply.status]).toEqual([payload, 400]);
    }
  });

  it('ciphertext length is plaintext length + 16 (the GCM tag)', () => {
    for (const size of [0, 1, 15, 16, 17, 1000]) {
      const payload = { pad: 'x'.repeat(size) };
      const { envelope } = encryptRequest(payload, test.keys.publicPem);
      expect(Buffer.from(envelope.encrypted_flow_data, 'base64').length).toBe(Buffer.byteLength(JSON.stringify(payload)) + 16);
      expect(Buffer.from(envelope.encrypted_aes_key, 'base64').length).toBe(256);
      expect(envelope.encrypted_aes_key.length).toBe(344);
    }
  });
});

describe('cross-check with WebCrypto, which is what WhatsApp’s client uses', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ modules: [TestFlowsModule] });
  });
  afterAll(async () => test?.close());

  it('a request built entirely with crypto.webcrypto.subtle decrypts, and its reply decrypts with the inverted IV', async () => {
    const subtle = webcrypto.subtle;
    const spki = Buffer.from(test.keys.publicPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const rsa = await subtle.importKey('spki', spki, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['encrypt']);
    const aes = await subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, ['encrypt', 'decrypt']);
    const iv = webcrypto.getRandomValues(new Uint8Array(16));
    const plaintext = new TextEncoder().encode(JSON.stringify({ version: '3.0', action: 'INIT', flow_token: 'webcrypto-token' }));
    const ciphertext = await subtle.encrypt({ name: 'AES-GCM', iv, tagLength: 128 }, aes, plaintext);
    const rawKey = await subtle.exportKey('raw', aes);
    const wrapped = await subtle.encrypt({ name: 'RSA-OAEP' }, rsa, rawKey);
    const body = Buffer.from(
      JSON.stringify({
        encrypted_flow_data: Buffer.from(ciphertext).toString('base64'),
        encrypted_aes_key: Buffer.from(wrapped).toString('base64'),
        initial_vector: Buffer.from(iv).toString('base64'),
      }),
    );
    const response = await fetch(`${test.url}/flows/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, test.appSecret) },
      body,
    });
    expect(response.status).toBe(200);
    const flipped = iv.map((byte) => byte ^ 0xff);
    const decrypted = await subtle.decrypt({ name: 'AES-GCM', iv: flipped, tagLength: 128 }, aes, Buffer.from(await response.text(), 'base64'));
    expect(JSON.parse(new TextDecoder().decode(decrypted))).toEqual({
      screen: 'START',
      data: { greeting: 'Olá 👋', token_length: 15, came_back_from: '' },
    });
  });
});
