import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FlowTestClient } from '../kit/flow-test-client.js';
import { generateAppSecret, generateTestKeyPair } from '../kit/test-keys.js';
import { startLoad, tally } from '../resilience/support/load-driver.js';
import { eventually, sleep } from '../support/eventually.js';
import { KubeletSecretVolume } from '../support/kubelet-secret-volume.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Keys and app secrets from a Kubernetes Secret mounted as a folder. The kubelet never rewrites a
 * file: it swaps the `..data` link, so a watch on the files sees nothing. The server must notice
 * anyway (FLOW_SECRETS_WATCH=auto turns on by itself on such a folder) while requests keep flowing.
 */
describe('keys and app secrets from a mounted Secret, swapped by the kubelet under load', () => {
  let volume: KubeletSecretVolume;
  let test: TestApp;
  const olderKeys = generateTestKeyPair();
  const oldKeys = generateTestKeyPair();
  const newKeys = generateTestKeyPair();
  const oldSecret = generateAppSecret();
  const newSecret = generateAppSecret();

  const ring = async () => {
    const body = (await (await fetch(`${test.url}/health/ready`)).json()) as { details: { keys: Record<string, string> } };
    const { status: _, ...keys } = body.details.keys;
    return keys;
  };
  const fingerprint = (keys: Record<string, string>) => Object.keys(keys).sort().join(',');
  const client = (publicKey: string, appSecret: string) => new FlowTestClient({ baseUrl: test.url, publicKey, appSecret });
  const lookup = (c: FlowTestClient) => () =>
    c.dataExchange('inventory', `vol-${randomBytes(8).toString('hex')}`, 'INVENTORY', { product_id: 'PROD-99' });
  const ping = (c: FlowTestClient) => () => c.ping('inventory');

  beforeAll(async () => {
    // Mid-way through an earlier rotation: the Secret holds a current and a previous key.
    volume = new KubeletSecretVolume({ 'current.pem': oldKeys.privatePem, 'previous.pem': olderKeys.privatePem, 'app-secret': `${oldSecret}\n` });
    test = await startTestApp({
      env: {
        DEMO_DATA: 'true',
        FLOW_PRIVATE_KEY: undefined,
        FLOW_PRIVATE_KEY_PASSPHRASE: undefined,
        WHATSAPP_APP_SECRET: undefined,
        FLOW_PRIVATE_KEY_FILE: volume.path('current.pem'),
        FLOW_PREVIOUS_PRIVATE_KEY_FILE: volume.path('previous.pem'),
        WHATSAPP_APP_SECRET_FILE: volume.path('app-secret'),
        WHATSAPP_APP_SECRET_PREVIOUS_FILE: volume.path('app-secret-previous'),
        // The folder watch must do it: the poll (the safety net) would come too late for this test.
        FLOW_SECRETS_POLL_INTERVAL_S: '3600',
      },
    });
  }, 60_000);

  afterAll(async () => {
    await test?.close();
    volume?.remove();
  });

  it('rotates the key: old-key requests are answered until the old key is gone, new-key ones from the swap on, none fails', async () => {
    const before = await ring();
    expect(fingerprint(before)).toEqual('current,previous');
    const oldClient = client(oldKeys.publicPem, oldSecret);
    const newClient = client(newKeys.publicPem, oldSecret);
    const oldLoad = startLoad({ client: 'old-key', concurrency: 3, send: lookup(oldClient) });
    const oldPings = startLoad({ client: 'old-key-ping', concurrency: 1, send: ping(oldClient) });
    await sleep(500);

    // The Secret now holds the new key as current and the old one as previous: the same file names,
    // only their content changes (behind ..data), which a watch on the key files never sees.
    volume.update({ 'current.pem': newKeys.privatePem, 'previous.pem': oldKeys.privatePem, 'app-secret': oldSecret });
    const rotated = await eventually(ring, (keys) => keys.previous === before.current, 15_000, 50);
    expect(rotated.previous).toBe(before.current);
    const newLoad = startLoad({ client: 'new-key', concurrency: 3, send: lookup(newClient) });
    await sleep(1_000);
    const oldRecords = [...(await oldLoad.stop()), ...(await oldPings.stop())];

    // The old key leaves the Secret.
    volume.update({ 'current.pem': newKeys.privatePem, 'app-secret': oldSecret });
    const retired = await eventually(ring, (keys) => fingerprint(keys) === 'current', 15_000, 50);
    expect(retired).toEqual({ current: rotated.current });
    await sleep(300);
    const newRecords = await newLoad.stop();

    expect(oldRecords.length).toBeGreaterThan(10);
    expect(tally(oldRecords)).toEqual({ ok: oldRecords.length });
    expect(newRecords.length).toBeGreaterThan(10);
    expect(tally(newRecords)).toEqual({ ok: newRecords.length });
    expect(newRecords.every((r) => r.json.screen === 'AVAILABILITY')).toBe(true);
    // Now the old key is gone: WhatsApp's client gets 421, refetches the public key and retries.
    expect((await lookup(oldClient)()).status).toBe(421);
  }, 60_000);

  it('rotates the app secret the same way: both secrets accepted during the swap, then only the new one', async () => {
    const oldSigner = client(newKeys.publicPem, oldSecret);
    const newSigner = client(newKeys.publicPem, newSecret);
    expect((await ping(newSigner)()).status).toBe(432);
    const oldLoad = startLoad({ client: 'old-secret', concurrency: 3, send: lookup(oldSigner) });
    await sleep(500);

    volume.update({ 'current.pem': newKeys.privatePem, 'app-secret': newSecret, 'app-secret-previous': oldSecret });
    await eventually(
      () => ping(newSigner)(),
      (reply) => reply?.status === 200,
      15_000,
      50,
    );
    const newLoad = startLoad({ client: 'new-secret', concurrency: 3, send: lookup(newSigner) });
    await sleep(1_000);
    const oldRecords = await oldLoad.stop();

    volume.update({ 'current.pem': newKeys.privatePem, 'app-secret': newSecret });
    await eventually(
      () => ping(oldSigner)(),
      (reply) => reply?.status === 432,
      15_000,
      50,
    );
    const newRecords = await newLoad.stop();

    expect(tally(oldRecords)).toEqual({ ok: oldRecords.length });
    expect(tally(newRecords)).toEqual({ ok: newRecords.length });
    expect(oldRecords.length + newRecords.length).toBeGreaterThan(20);
  }, 60_000);

  it('a Secret swapped to a key that does not parse keeps the working keys (and says why)', async () => {
    const working = await ring();
    // A key generated here, its body cut short: PEM armour around DER that does not parse.
    const damaged = generateTestKeyPair().privatePem.replace(/^[A-Za-z0-9+/]{64}\n/gm, '');
    volume.update({ 'current.pem': damaged, 'app-secret': newSecret });
    await sleep(1_000);
    expect(await ring()).toEqual(working);
    expect((await ping(client(newKeys.publicPem, newSecret))()).status).toBe(200);
    // The next good Secret is loaded.
    const nextKeys = generateTestKeyPair();
    volume.update({ 'current.pem': nextKeys.privatePem, 'app-secret': newSecret });
    await eventually(ring, (keys) => keys.current !== working.current, 15_000, 50);
    expect((await ping(client(nextKeys.publicPem, newSecret))()).status).toBe(200);
  }, 30_000);
});
