import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FLOW_BODY_LIMIT_DEFAULT } from '../../src/flows-core/flows.config.js';
import { signBody } from '../../src/hub-signature/index.js';
import { flowPayloads } from '../kit/flow-test-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestFlowsModule } from './fixtures/test-flows.js';

const b64 = (bytes: number) => randomBytes(bytes).toString('base64');

/** One PhotoPicker result as the phone passes it through data_exchange (media upload docs). */
const photo = (index: number) => ({
  media_id: randomUUID(),
  cdn_url: `https://mmg.whatsapp.net/v/t62.7118-24/${randomBytes(24).toString('hex')}_n.enc?ccb=11-4&oh=01_${b64(60).replace(/[+/=]/g, 'x')}&oe=${randomBytes(4).toString('hex').toUpperCase()}&_nc_sid=5e03e0&mms3=true`,
  file_name: `IMG_${String(5000 + index)}.jpg`,
  encryption_metadata: { encrypted_hash: b64(32), iv: b64(16), encryption_key: b64(32), hmac_key: b64(32), plaintext_hash: b64(32) },
});

// Three UTF-8 bytes per character: the most a TextArea's characters weigh short of emoji, which
// count as two characters for four bytes.
const longText = (characters: number) => '語€'.repeat(characters / 2);

/**
 * The largest request a real flow sends: a form with a PhotoPicker at its maximum of 30 photos,
 * five TextAreas at 3,000 characters and ten TextInputs at 80.
 */
const largestRealisticData = () => ({
  text: 'x',
  photos: Array.from({ length: 30 }, (_, i) => photo(i)),
  ...Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`notes_${i}`, longText(3_000)])),
  ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`field_${i}`, longText(80)])),
});

let test: TestApp;

describe('the data endpoint body limit fits what WhatsApp sends', () => {
  beforeAll(async () => {
    test = await startTestApp({ modules: [TestFlowsModule], env: { FLOW_BODY_LIMIT: undefined } });
  });
  afterAll(async () => test?.close());

  it('the largest realistic request is accepted, with the default at two to four times its size', async () => {
    const prepared = test.client.prepare('echo', flowPayloads.dataExchange(`tok-${randomUUID()}`, 'START', largestRealisticData()));
    const size = prepared.body.length;
    // The figure documented beside FLOW_BODY_LIMIT_DEFAULT (about 89 KB).
    expect(Math.round(size / 1000)).toBeGreaterThanOrEqual(85);
    expect(Math.round(size / 1000)).toBeLessThanOrEqual(100);
    expect(Buffer.byteLength(longText(3_000))).toBe(9_000);
    expect(FLOW_BODY_LIMIT_DEFAULT).toBeGreaterThanOrEqual(2 * size);
    expect(FLOW_BODY_LIMIT_DEFAULT).toBeLessThanOrEqual(4 * size);
    const reply = await test.client.post('echo', prepared.body, prepared.session);
    expect(reply.status).toBe(200);
    expect(reply.json.screen).toEqual(expect.any(String));
  });

  it('a signed body one byte over the default limit is 413', async () => {
    const body = Buffer.from(JSON.stringify({ encrypted_flow_data: 'A'.repeat(FLOW_BODY_LIMIT_DEFAULT) })).subarray(0, FLOW_BODY_LIMIT_DEFAULT + 1);
    const response = await fetch(`${test.url}/flows/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, test.appSecret) },
      body,
    });
    expect([body.length, response.status]).toEqual([FLOW_BODY_LIMIT_DEFAULT + 1, 413]);
  });
});
