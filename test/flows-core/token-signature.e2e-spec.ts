import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { flowPayloads } from '../kit/flow-test-client.js';
import { signFlowToken, tamperPayload } from '../kit/flow-token-signature.js';
import { generateAppSecret } from '../kit/test-keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Data API 4.0: the demo flows declare Flow JSON 7.3 with data_api_version "4.0", so WhatsApp's
 * client sends `version: "4.0"` with `flow_token_signature`, an HS256 JWT of the flow token signed
 * with the app secret (the test kit's client signs it exactly so). Requests are built as Meta would
 * send them, tampered in the ways an attacker could.
 */
describe('flow_token_signature (Data API 4.0)', () => {
  let test: TestApp;
  let db: DataSource;
  const token = () => `sig-${randomUUID()}`;
  const metric = async (outcome: string) => {
    const text = await (await fetch(`${test.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`flowgate_flow_token_signatures_total{flow="inventory",outcome="${outcome}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  const sessionRows = async (flowToken: string) =>
    (await db.query('SELECT count(*)::int AS n FROM flow_sessions WHERE token = $1', [flowToken]))[0].n;

  beforeAll(async () => {
    test = await startTestApp({ env: { DEMO_DATA: 'true' } });
    db = test.app.get(DataSource);
  });
  afterAll(async () => test?.close());

  it('the demo flows speak Data API 4.0, and a request signed as Meta signs it is answered', async () => {
    expect(test.client.dataApiVersion('inventory')).toBe('4.0');
    const before = await metric('valid');
    const flowToken = token();
    const reply = await test.client.dataExchange('inventory', flowToken, 'INVENTORY', { product_id: 'PROD-99' });
    expect(reply.status).toBe(200);
    expect(reply.json.screen).toBe('AVAILABILITY');
    expect(await metric('valid')).toBe(before + 1);
  });

  const refusals: Array<[string, (flowToken: string, secret: string) => string | null, string]> = [
    ['tampered (the payload changed, the MAC kept)', (t, secret) => tamperPayload(signFlowToken(t, secret), t), 'invalid'],
    ['tampered (a MAC character flipped)', (t, secret) => signFlowToken(t, secret).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), 'invalid'],
    ['signed with the wrong secret', (t) => signFlowToken(t, generateAppSecret()), 'invalid'],
    ['signed for another flow token', (_, secret) => signFlowToken(token(), secret), 'mismatch'],
    ['with alg none and no MAC', (t, secret) => signFlowToken(t, secret, { header: { alg: 'none', typ: 'JWT' }, unsigned: true }), 'invalid'],
    ['with alg none over a valid MAC', (t, secret) => signFlowToken(t, secret, { header: { alg: 'none', typ: 'JWT' } }), 'invalid'],
    ['expired', (t, secret) => signFlowToken(t, secret, { claims: { exp: Math.floor(Date.now() / 1000) - 3600 } }), 'invalid'],
    ['missing from a 4.0 request', () => null, 'missing'],
  ];

  it.each(refusals)('%s: 427 without a body, before any database work, counted, logged without the token', async (_, signature, outcome) => {
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    try {
      const flowToken = token();
      const jwt = signature(flowToken, test.appSecret);
      const before = await metric(outcome);
      const reply = await test.client.init('inventory', flowToken, { tokenSignature: jwt });
      expect(reply.status).toBe(427);
      expect(reply.text).toBe('');
      // tokens: 'any' would open a session on first sight: a refused signature opens nothing.
      expect(await sessionRows(flowToken)).toBe(0);
      expect(await metric(outcome)).toBe(before + 1);
      const lines = warnings.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('flow_token_signature'));
      expect(lines.length).toBeGreaterThanOrEqual(1);
      for (const line of lines) {
        expect(line).not.toContain(flowToken);
        if (jwt) expect(line).not.toContain(jwt.split('.')[2] || jwt);
      }
    } finally {
      warnings.mockRestore();
    }
  });

  it('a Data API 3.0 request carries no signature and is answered as before (a flow not yet moved to 4.0 at Meta)', async () => {
    const before = await metric('unsigned');
    const reply = await test.client.send('inventory', flowPayloads.init(token()));
    expect(reply.status).toBe(200);
    expect(await metric('unsigned')).toBe(before + 1);
  });

  it('a signature is checked whenever present, also on a 3.0 request', async () => {
    const flowToken = token();
    const reply = await test.client.send('inventory', {
      ...flowPayloads.init(flowToken),
      flow_token_signature: signFlowToken(token(), test.appSecret),
    });
    expect(reply.status).toBe(427);
  });

  it('a signature that is not a string is a 400, like every field of the wrong type', async () => {
    const reply = await test.client.send('inventory', { ...flowPayloads.init(token(), '4.0'), flow_token_signature: { alg: 'none' } });
    expect(reply.status).toBe(400);
  });

  it('the same envelope replayed after a refusal is refused again, byte for byte (no plaintext under its key)', async () => {
    const flowToken = token();
    const prepared = test.client.prepare('inventory', flowPayloads.init(flowToken, '4.0'), {
      tokenSignature: signFlowToken(flowToken, generateAppSecret()),
    });
    const first = await test.client.post('inventory', prepared.body, prepared.session);
    const second = await test.client.post('inventory', prepared.body, prepared.session);
    expect([first.status, first.text, second.status, second.text]).toEqual([427, '', 427, '']);
  });
});

describe('flow_token_signature during an app secret rotation, and in log mode', () => {
  it('a signature made with the previous app secret is accepted while it is configured', async () => {
    const previous = generateAppSecret();
    const test = await startTestApp({ env: { WHATSAPP_APP_SECRET_PREVIOUS: previous } });
    try {
      const flowToken = `rot-${randomUUID()}`;
      const reply = await test.client.init('inventory', flowToken, { tokenSignature: signFlowToken(flowToken, previous) });
      expect(reply.status).toBe(200);
    } finally {
      await test.close();
    }
  });

  it('FLOW_TOKEN_SIGNATURE=log answers a bad signature, and counts it', async () => {
    const test = await startTestApp({ env: { FLOW_TOKEN_SIGNATURE: 'log' } });
    try {
      const flowToken = `log-${randomUUID()}`;
      const reply = await test.client.init('inventory', flowToken, { tokenSignature: signFlowToken(flowToken, generateAppSecret()) });
      expect(reply.status).toBe(200);
      const text = await (await fetch(`${test.url}/metrics`)).text();
      expect(text).toMatch(/flowgate_flow_token_signatures_total\{flow="inventory",outcome="invalid"\} 1/);
    } finally {
      await test.close();
    }
  });
});
