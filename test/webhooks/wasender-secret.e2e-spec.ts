import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';

const WASENDER_SECRET = 'wasender-secret-early-0123456789';
const BODY_BYTES = Math.floor(3.4 * 1024 * 1024);
const FIRST_CHUNK = 16 * 1024;

interface Exchange {
  status: number;
  /** Body bytes the client had written when the answer's status line arrived. */
  sentBeforeAnswer: number;
}

/**
 * A webhook as an attacker sends it over a plain socket: headers announcing a 3.4 MiB JSON body, then
 * only its first 16 KiB; the rest would follow only once the server has read those. The answer must
 * come without the rest being sent.
 */
function postHuge(url: string, secret: string | undefined, giveUpMs = 10_000): Promise<Exchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let sent = 0;
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer after ${giveUpMs} ms with ${sent} of ${BODY_BYTES} body bytes sent`));
    }, giveUpMs);
    socket.on('connect', () => {
      socket.write(
        [
          'POST /webhooks/wasender HTTP/1.1',
          `Host: ${hostname}`,
          'Content-Type: application/json',
          `Content-Length: ${BODY_BYTES}`,
          ...(secret === undefined ? [] : [`X-Webhook-Signature: ${secret}`]),
          '',
          '',
        ].join('\r\n'),
      );
      socket.write(Buffer.alloc(FIRST_CHUNK, 0x20));
      sent = FIRST_CHUNK;
    });
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (status) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ status: Number(status[1]), sentBeforeAnswer: sent });
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

describe('WASenderApi webhook: the secret is checked before the body is read', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await startTestApp({ env: { WASENDER_WEBHOOK_SECRET: WASENDER_SECRET } });
  });
  afterAll(async () => test?.close());

  it.each([
    ['a wrong secret', 'not-the-secret-at-all'],
    ['a secret one character short', WASENDER_SECRET.slice(0, -1)],
    ['no secret header', undefined],
  ])('%s with a 3.4 MiB body is 401 before the body is sent', async (_, secret) => {
    const exchange = await postHuge(test.url, secret);
    expect(exchange).toEqual({ status: 401, sentBeforeAnswer: FIRST_CHUNK });
  });

  it('the right secret still gets its body read (here: cut short, so no answer until the server gives up on it)', async () => {
    await expect(postHuge(test.url, WASENDER_SECRET, 1_500)).rejects.toThrow(/no answer/);
  });

  it('the right secret with a whole body is stored', async () => {
    const body = JSON.stringify({ event: 'messages.upsert', data: { messages: { key: { id: 'early-secret-1' } } } });
    const response = await fetch(`${test.url}/webhooks/wasender`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-signature': WASENDER_SECRET },
      body,
    });
    expect([response.status, await response.json()]).toEqual([200, { stored: 1, duplicates: 0 }]);
  });
});
