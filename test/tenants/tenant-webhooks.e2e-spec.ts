import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { signBody } from '../../src/hub-signature/index.js';
import { nfmReply } from '../kit/whatsapp-notifications.js';
import { eventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TenantAwareFlowModule, tenantCompletions } from './tenant-flow.js';
import { TenantFolders, type TestTenant } from './tenant-folders.js';

const ADMIN_TOKEN = 'tenant-webhooks-admin-token-0123456789';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

/** A completion shaped exactly like Meta's (test/kit), from `tenant`'s WABA and number. */
function completionFrom(tenant: TestTenant, flowToken: string) {
  const payload = nfmReply(flowToken, { appointment_confirmed: true });
  payload.entry[0].id = tenant.wabaId;
  payload.entry[0].changes[0].value.metadata = { display_phone_number: '15550783881', phone_number_id: tenant.phoneNumberIds[0] };
  return payload;
}

/**
 * Webhooks of several apps: each tenant's app calls back `/webhooks/whatsapp/<tenant>`, signed with its
 * own secret; events are attributed to the tenant owning their number (else their WABA), and a
 * completion completes only a token of the same tenant.
 */
describe('tenants: webhooks', () => {
  const folders = new TenantFolders();
  let acme: TestTenant;
  let globex: TestTenant;
  let initech: TestTenant;
  let test: TestApp;
  let db: DataSource;

  const deliver = (url: string, body: unknown, secret: string) => {
    const bytes = Buffer.from(JSON.stringify(body));
    return fetch(`${test.url}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(bytes, secret) },
      body: bytes,
    });
  };
  const issue = async (tenant?: string) => {
    const response = await fetch(`${test.url}/admin/flows/appointments/sessions${tenant ? `?tenant=${tenant}` : ''}`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ phone: '+351910000000' }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as any).flow_token as string;
  };
  const messageIdOf = (payload: ReturnType<typeof nfmReply>) => payload.entry[0].changes[0].value.messages[0].id;
  const processedEvent = (messageId: string) =>
    eventually(
      async () => (await db.query('SELECT status, tenant FROM webhook_events WHERE dedupe_key = $1', [messageId]))[0],
      (row) => row?.status === 'processed',
    );
  const sessionStatus = async (token: string) => (await db.query('SELECT status FROM flow_sessions WHERE token = $1', [token]))[0].status;
  const submission = async (messageId: string) =>
    (await db.query('SELECT tenant, refusal FROM flow_submissions WHERE message_id = $1', [messageId]))[0];

  beforeAll(async () => {
    acme = folders.add('acme', { wabaId: '102290129340398', phoneNumberIds: ['106540352242922'] });
    globex = folders.add('globex', { wabaId: '203391230451409', phoneNumberIds: ['207651463353033'] });
    // initech's WABA is served by globex's app: the same app secret.
    initech = folders.add('initech', { wabaId: '304492331562510', phoneNumberIds: ['308762574464144'] });
    folders.write('initech', 'app-secret', globex.appSecret);
    initech.appSecret = globex.appSecret;
    test = await startTestApp({
      modules: [TenantAwareFlowModule],
      env: {
        TENANTS_DIR: folders.root,
        ADMIN_TOKEN,
        WHATSAPP_VERIFY_TOKEN: 'tenant-verify-token',
        QUEUE_BACKEND: 'postgres',
        WEBHOOK_BACKOFF_MS: '50',
      },
    });
    db = test.app.get(DataSource);
  });
  afterAll(async () => {
    await test?.close();
    folders.remove();
  });

  it("a tenant's completion, on its URL with its app's signature, completes its token", async () => {
    const token = await issue('acme');
    const payload = completionFrom(acme, token);
    expect((await deliver('/webhooks/whatsapp/acme', payload, acme.appSecret)).status).toBe(200);
    expect(await processedEvent(messageIdOf(payload))).toEqual({ status: 'processed', tenant: 'acme' });
    expect(await sessionStatus(token)).toBe('completed');
    expect(await submission(messageIdOf(payload))).toEqual({ tenant: 'acme', refusal: null });
  });

  it('a completion handler learns its tenant (@FlowTenant())', async () => {
    const token = `members-${randomUUID()}`;
    await db.query(
      `INSERT INTO flow_sessions (token, flow, tenant, issued, expires_at) VALUES ($1, 'members', 'globex', true, now() + interval '1 hour')`,
      [token],
    );
    const payload = completionFrom(globex, token);
    expect((await deliver('/webhooks/whatsapp/globex', payload, globex.appSecret)).status).toBe(200);
    await processedEvent(messageIdOf(payload));
    expect(tenantCompletions).toContainEqual({ tenant: 'globex', token });
  });

  it("a tenant's URL takes only its own app's signature (401), an unknown tenant is 404", async () => {
    const payload = completionFrom(acme, await issue('acme'));
    expect((await deliver('/webhooks/whatsapp/acme', payload, globex.appSecret)).status).toBe(401);
    expect((await deliver('/webhooks/whatsapp/acme', payload, test.appSecret)).status).toBe(401);
    expect((await deliver('/webhooks/whatsapp', payload, acme.appSecret)).status).toBe(401);
    expect((await deliver('/webhooks/whatsapp/umbrella', payload, acme.appSecret)).status).toBe(404);
    // Nothing of it was stored.
    expect(await db.query('SELECT 1 FROM webhook_events WHERE dedupe_key = $1', [messageIdOf(payload)])).toEqual([]);
  });

  it("a completion through another app never completes a tenant's token: stored, refused, the token still open", async () => {
    const token = await issue('acme');
    // globex's app sends a change naming acme's number: acme's secret does not sign it, so it stays globex's.
    const payload = completionFrom(acme, token);
    expect((await deliver('/webhooks/whatsapp/globex', payload, globex.appSecret)).status).toBe(200);
    expect((await processedEvent(messageIdOf(payload)))?.tenant).toBe('globex');
    expect(await submission(messageIdOf(payload))).toEqual({ tenant: 'globex', refusal: 'tenant_mismatch' });
    expect(await sessionStatus(token)).toBe('active');
    // Nor through the single-tenant webhook.
    const single = completionFrom(acme, token);
    expect((await deliver('/webhooks/whatsapp', single, test.appSecret)).status).toBe(200);
    expect((await processedEvent(messageIdOf(single)))?.tenant).toBeNull();
    expect((await submission(messageIdOf(single))).refusal).toBe('tenant_mismatch');
    expect(await sessionStatus(token)).toBe('active');
  });

  it("one app serving two tenants' WABAs: each change goes to the tenant owning its number", async () => {
    const token = await issue('initech');
    const payload = completionFrom(initech, token);
    // initech's WABA calls back on globex's URL (one callback per app), signed by the app they share.
    expect((await deliver('/webhooks/whatsapp/globex', payload, globex.appSecret)).status).toBe(200);
    expect((await processedEvent(messageIdOf(payload)))?.tenant).toBe('initech');
    expect(await sessionStatus(token)).toBe('completed');
  });

  it("the admin API lists a tenant's events only, and the metric counts them by tenant name", async () => {
    const list = async (tenant: string) => {
      const response = await fetch(`${test.url}/admin/webhooks?status=processed&tenant=${tenant}`, { headers: auth });
      expect(response.status).toBe(200);
      return ((await response.json()) as any).events as Array<{ tenant: string }>;
    };
    const ofAcme = await list('acme');
    expect(ofAcme.length).toBeGreaterThan(0);
    expect(new Set(ofAcme.map((event) => event.tenant))).toEqual(new Set(['acme']));
    expect(new Set((await list('globex')).map((event) => event.tenant))).toEqual(new Set(['globex']));
    expect((await fetch(`${test.url}/admin/webhooks?tenant=umbrella`, { headers: auth })).status).toBe(404);
    const metrics = await (await fetch(`${test.url}/metrics`)).text();
    expect(metrics).toMatch(/^flowgate_tenant_webhook_events_total\{tenant="acme",kind="message"\} [1-9]/m);
    expect(metrics).toMatch(/^flowgate_tenant_webhook_events_total\{tenant="initech",kind="message"\} 1$/m);
    for (const id of [acme.wabaId, ...acme.phoneNumberIds, globex.wabaId]) expect(metrics).not.toContain(id);
  });

  it("Meta's subscription check on a tenant's URL", async () => {
    const ok = await fetch(`${test.url}/webhooks/whatsapp/acme?hub.mode=subscribe&hub.verify_token=tenant-verify-token&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const query = 'hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444';
    expect((await fetch(`${test.url}/webhooks/whatsapp/acme?${query}`)).status).toBe(403);
    expect((await fetch(`${test.url}/webhooks/whatsapp/umbrella?${query}`)).status).toBe(404);
  });

  it("a tenant's own verify-token file replaces WHATSAPP_VERIFY_TOKEN on its URL only, read again on reload", async () => {
    const check = (tenant: string, token: string) =>
      fetch(`${test.url}/webhooks/whatsapp/${tenant}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=42`).then((r) => r.status);
    folders.write('globex', 'verify-token', 'globex-own-verify-token\n');
    const reloaded = await fetch(`${test.url}/admin/keys/reload?tenant=globex`, { method: 'POST', headers: { authorization: auth.authorization } });
    expect(reloaded.status).toBe(200);
    expect(await check('globex', 'globex-own-verify-token')).toBe(200);
    expect(await check('globex', 'tenant-verify-token')).toBe(403);
    // The other tenants keep the shared one, and cannot be verified with globex's.
    expect(await check('acme', 'tenant-verify-token')).toBe(200);
    expect(await check('acme', 'globex-own-verify-token')).toBe(403);
  });
});
