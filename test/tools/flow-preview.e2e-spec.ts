import { spawn } from 'node:child_process';
import { createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { FlowSessions } from '../../src/flows-core/sessions/flow-sessions.service.js';
import { startPreviewServer, type PreviewServer } from '../../src/tools/preview/preview-server.js';
import { openBrowser, type Browser } from '../support/browser.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/free-port.js';
import { PROJECT_ROOT } from '../support/server-process.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestFlowsModule } from '../flows-core/fixtures/test-flows.js';

/** The body of an HTTPS GET that trusts `ca`. */
function httpsGet(url: string, ca: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    get(url, { ca, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => (response.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`HTTP ${response.statusCode}`))));
    }).on('error', reject);
  });
}

/** The preview page in a real Chromium, driving a real Flowgate through the preview server. */
describe('npm run flow:preview (in a real browser)', () => {
  let test: TestApp;
  let browser: Browser;
  const servers: PreviewServer[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-preview-'));

  async function preview(flow: string, options: { file?: string; token?: string; url?: string } = {}) {
    const server = await startPreviewServer({
      flow,
      flowJsonFile: options.file ?? join(PROJECT_ROOT, `src/flows/${flow}/${flow}.flow.json`),
      url: options.url ?? test.url,
      credentials: { publicKey: test.keys.publicPem, appSecret: test.appSecret },
      port: 0,
      token: options.token,
      cdnCertDir: join(dir, 'cdn'),
    });
    servers.push(server);
    await browser.page.goto(server.url);
    return server;
  }

  beforeAll(async () => {
    test = await startTestApp({ modules: [TestFlowsModule], env: { DEMO_DATA: 'true', FLOW_CONTRACT_CHECK: 'log' } });
    browser = await openBrowser('preview');
  });
  afterAll(async () => {
    await browser?.close();
    for (const server of servers) await server.close();
    await test?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('inventory: type PROD-99, see the stock, reserve, complete and post the nfm_reply', async () => {
    const { page } = browser;
    await preview('inventory');
    const phone = page.locator('.phone');
    await expect(phone.locator('.title').textContent()).resolves.toBe('Check stock');
    const button = phone.getByRole('button', { name: 'Check availability' });
    // The Footer stays disabled until the required field is filled, as on the phone.
    expect(await button.isDisabled()).toBe(true);
    await phone.getByLabel('Product id or name').fill('PROD-99');
    await browser.screenshot('inventory-1-INVENTORY');
    await button.click();

    await phone.getByText('5 units available in Local warehouse').waitFor();
    expect(await phone.getAttribute('data-screen')).toBe('AVAILABILITY');
    expect(await page.locator('.inspector .log.ok summary').first().textContent()).toContain(
      'data_exchange from INVENTORY → AVAILABILITY · HTTP 200',
    );
    expect(await page.locator('.inspector').textContent()).toContain('The reply matches the Flow JSON');
    await phone.getByLabel('Units to reserve').fill('2');
    await phone.getByLabel('Warehouse (optional)').selectOption('LOCAL');
    await browser.screenshot('inventory-2-AVAILABILITY');
    await phone.getByRole('button', { name: 'Reserve' }).click();

    await phone.locator('[data-completion]').waitFor();
    expect(await phone.locator('.params').textContent()).toContain('"quantity": 2');
    await phone.getByRole('button', { name: 'Send the completion webhook' }).click();
    await phone.locator('[data-webhook-ok]').waitFor();
    await browser.screenshot('inventory-3-completed');
    // The webhook went through Flowgate's real intake and worker: the submission is stored.
    const db = test.app.get(DataSource);
    const stored = await eventually(
      async () => (await db.query(`SELECT response FROM flow_submissions WHERE flow = 'inventory'`)) as Array<{ response: Record<string, unknown> }>,
      (rows) => rows?.length === 1,
    );
    expect(stored[0].response).toMatchObject({ quantity: 2 });
  });

  it('inventory starts the way its Flow JSON does: INVENTORY declares no data, so it opens without INIT', async () => {
    const { page } = browser;
    await preview('inventory');
    const start = page.locator('.sidebar [data-action="start"]');
    expect(await start.textContent()).toContain('Start on INVENTORY');
    expect(await page.locator('.sidebar .start-reason').textContent()).toContain('INVENTORY declares no data');
    await start.click();
    await page.locator('.inspector .log').first().getByText('Start: INVENTORY opens without a request (navigate)').waitFor();
    // No request went to the endpoint: nothing to answer "not available".
    expect(await page.locator('.inspector').textContent()).not.toContain('INIT');
    expect(await page.locator('.phone .title').textContent()).toBe('Check stock');
    expect(await page.locator('.origin').textContent()).toContain('as the flow opens (no request)');
    await page.locator('.phone').getByLabel('Product id or name').fill('PROD-99');
    await page.locator('.phone').getByRole('button', { name: 'Check availability' }).click();
    // (The first test reserved some of PROD-99's stock.)
    await page.locator('.phone[data-screen="AVAILABILITY"]').getByText('units available in Local warehouse').waitFor();
  });

  it('a first screen that declares data starts with INIT; an INIT reply that breaks the Flow JSON says so, never "matches"', async () => {
    const { page } = browser;
    // The inventory flow answers INIT with its INVENTORY screen and no data; this copy of its Flow JSON
    // makes that screen declare data, so the flow starts with INIT and the reply misses `hint`.
    // (What a flow without an INIT handler shows is in src/tools/preview/preview-problems.spec.ts.)
    const flowJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'src/flows/inventory/inventory.flow.json'), 'utf8'));
    flowJson.screens[0].data = { hint: { type: 'string', __example__: 'Type an id' } };
    const file = join(dir, 'inventory-init.flow.json');
    writeFileSync(file, JSON.stringify(flowJson));
    await preview('inventory', { file });
    expect(await page.locator('.sidebar .start-reason').textContent()).toContain('INVENTORY declares data (hint)');
    await page.getByRole('button', { name: 'Start with INIT' }).click();
    const problem = page.locator('.phone [data-problem]');
    await problem.waitFor();
    expect(await problem.textContent()).toContain("The reply breaks the flow's contract");
    expect(await problem.textContent()).toContain('Fix the handler of INIT');
    expect(await problem.textContent()).toContain('data.hint: required by screen INVENTORY');
    const entry = page.locator('.inspector .log').first();
    expect(await entry.locator('summary').textContent()).toContain('INIT → INVENTORY · HTTP 200');
    expect(await page.locator('.inspector').textContent()).not.toContain('The reply matches the Flow JSON');
    await browser.screenshot('inventory-INIT-breaks-contract');
  });

  it('appointments: an issued token walks INIT → SERVICE → SLOTS → CONFIRM → completed', async () => {
    const { page } = browser;
    const { token } = await test.app.get(FlowSessions).issue('appointments', { phone: '+351910000000' });
    await preview('appointments', { token });
    const phone = page.locator('.phone');
    await page.getByRole('button', { name: 'Start with INIT' }).click();
    // The entry screen shows its __example__ data until the endpoint's INIT reply replaces it.
    await page.locator('.inspector .log.ok summary').getByText('INIT → SERVICE · HTTP 200').waitFor();
    await phone.getByRole('option', { name: 'Beard trim · 15 min' }).waitFor({ state: 'attached' });
    await phone.getByLabel('Service').selectOption('HAIRCUT');
    const day = await phone.getByLabel('Day').locator('option:not([value=""])').first().getAttribute('value');
    await phone.getByLabel('Day').selectOption(day!);
    await browser.screenshot('appointments-1-SERVICE');
    await phone.getByRole('button', { name: 'See free times' }).click();

    await phone.locator('[data-screen="SLOTS"]').or(page.locator('.phone[data-screen="SLOTS"]')).waitFor();
    await phone.locator('input[type="radio"]').first().check();
    await phone.getByLabel('Your name').fill('Maria Silva');
    await phone.getByLabel('Email').fill('maria@example.com');
    await browser.screenshot('appointments-2-SLOTS');
    await phone.getByRole('button', { name: 'Continue' }).click();

    await page.locator('.phone[data-screen="CONFIRM"]').waitFor();
    await phone.getByText('For Maria Silva (maria@example.com)').waitFor();
    await browser.screenshot('appointments-3-CONFIRM');
    await phone.getByRole('button', { name: 'Confirm booking' }).click();
    await phone.locator('[data-completion]').waitFor();
    await browser.screenshot('appointments-4-completed');
    // The page shows only the start of the token, even where the endpoint echoes it.
    expect(await page.content()).not.toContain(token);
    expect(await page.locator('.inspector .log.bad').count()).toBe(0);
  });

  it('a token the flow did not issue shows the 427 and what to do', async () => {
    const { page } = browser;
    await preview('appointments');
    await page.getByRole('button', { name: 'Start with INIT' }).click();
    const problem = page.locator('.phone [data-problem]');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('HTTP 427');
    expect(await problem.textContent()).toContain('--token');
  });

  it('without an endpoint call every screen shows with its __example__ data', async () => {
    const { page } = browser;
    await preview('inventory');
    await page.locator('.screens button[data-screen="RESULTS"]').click();
    const phone = page.locator('.phone[data-screen="RESULTS"]');
    await phone.getByText('Products 1 to 10 starting with "Wire"').waitFor();
    await phone.getByText('Wireless Mouse').waitFor();
    // visible: ${data.has_more} is true in the example
    await phone.getByText('Show more products').waitFor();
    await browser.screenshot('inventory-RESULTS-example');
  });

  it('an unknown component shows a placeholder naming it, and the page reloads when the Flow JSON changes', async () => {
    const { page } = browser;
    const flowJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/flows-core/fixtures/echo.flow.json'), 'utf8'));
    const start = flowJson.screens.find((screen: { id: string }) => screen.id === 'START');
    start.layout.children = [
      { type: 'TextHeading', text: '${data.greeting}' },
      { type: 'FancyWidget', text: 'nobody draws me' },
      {
        type: 'Footer',
        label: 'Go',
        'on-click-action': { name: 'navigate', next: { type: 'screen', name: 'ECHO' }, payload: { text: 'x', length: 1 } },
      },
    ];
    const file = join(dir, 'echo.flow.json');
    writeFileSync(file, JSON.stringify(flowJson));
    await preview('echo', { file });
    const placeholder = page.locator('.phone .c-unknown');
    await placeholder.waitFor();
    expect(await placeholder.textContent()).toContain('FancyWidget');
    await page.locator('.phone').getByText('Hello').waitFor();
    await browser.screenshot('unknown-component');

    start.layout.children[0] = { type: 'TextHeading', text: 'Edited while open' };
    writeFileSync(file, JSON.stringify(flowJson));
    await page.locator('.phone').getByText('Edited while open').waitFor();

    // Saved half-edited: the error shows, the last good screen stays.
    writeFileSync(file, '{ "version": "7.3", "screens": [');
    await page.locator('.sidebar .problem').getByText('The Flow JSON did not load').waitFor();
    expect(await page.locator('.sidebar .problem').textContent()).toContain('echo.flow.json');
    expect(await page.locator('.phone').getByText('Edited while open').count()).toBe(1);
  });

  it('navigate is client-side with its payload; Back goes back, and sends BACK when refresh_on_back says so', async () => {
    const { page } = browser;
    const flowJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/flows-core/fixtures/echo.flow.json'), 'utf8'));
    const start = flowJson.screens.find((screen: { id: string }) => screen.id === 'START');
    const echo = flowJson.screens.find((screen: { id: string }) => screen.id === 'ECHO');
    start.layout.children = [
      { type: 'TextHeading', text: '${data.greeting}' },
      { type: 'TextInput', name: 'said', label: 'Say something', required: true },
      {
        type: 'Footer',
        label: 'Go',
        'on-click-action': { name: 'navigate', next: { type: 'screen', name: 'ECHO' }, payload: { text: '${form.said}', length: 5 } },
      },
    ];
    echo.layout.children = [{ type: 'TextBody', text: 'You said ${data.text} (${data.length} letters)' }];
    const file = join(dir, 'back.flow.json');
    writeFileSync(file, JSON.stringify(flowJson));
    await preview('echo', { file });
    const phone = page.locator('.phone');
    await phone.getByLabel('Say something').fill('hello');
    await phone.getByRole('button', { name: 'Go' }).click();
    await phone.getByText('You said hello (5 letters)').waitFor();
    expect(await page.locator('.inspector .log summary').first().textContent()).toContain('navigate START → ECHO (no request)');
    await phone.getByRole('button', { name: 'Back' }).click();
    await phone.getByRole('heading', { name: 'Hello' }).waitFor();
    // Back restores the screen as the user left it.
    expect(await phone.getByLabel('Say something').inputValue()).toBe('hello');

    echo.refresh_on_back = true;
    writeFileSync(file, JSON.stringify(flowJson));
    await page.locator('.inspector').getByText('Flow JSON changed: reloaded').waitFor();
    await phone.getByRole('button', { name: 'Go' }).click();
    await phone.getByText('You said hello (5 letters)').waitFor();
    await phone.getByRole('button', { name: 'Back' }).click();
    await phone.getByRole('heading', { name: 'Welcome back' }).waitFor();
    expect(await page.locator('.inspector .log summary').first().textContent()).toContain('BACK from ECHO → START · HTTP 200');
  });

  it('update_data, If, open_url and complete run in the page', async () => {
    const { page } = browser;
    const flowJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/flows-core/fixtures/echo.flow.json'), 'utf8'));
    const start = flowJson.screens.find((screen: { id: string }) => screen.id === 'START');
    start.layout.children = [
      { type: 'TextHeading', text: '${data.greeting}' },
      {
        type: 'Dropdown',
        name: 'size',
        label: 'Size',
        required: true,
        'data-source': [
          { id: 'S', title: 'Small' },
          { id: 'L', title: 'Large' },
        ],
        'on-select-action': { name: 'update_data', payload: { greeting: 'Picked ${form.size}' } },
      },
      {
        type: 'If',
        condition: "${form.size} == 'L'",
        then: [{ type: 'TextBody', text: 'Large needs a van' }],
        else: [{ type: 'TextBody', text: 'Fits in a box' }],
      },
      {
        type: 'OptIn',
        name: 'terms',
        label: 'I accept the terms',
        required: true,
        'on-click-action': { name: 'open_url', url: 'https://example.com/terms' },
      },
      { type: 'Footer', label: 'Done', 'on-click-action': { name: 'complete', payload: { size: '${form.size}', terms: '${form.terms}' } } },
    ];
    const file = join(dir, 'local.flow.json');
    writeFileSync(file, JSON.stringify(flowJson));
    await preview('echo', { file });
    const phone = page.locator('.phone');
    await phone.getByText('Fits in a box').waitFor();
    await phone.getByLabel('Size').selectOption('L');
    await phone.getByRole('heading', { name: 'Picked L' }).waitFor();
    await phone.getByText('Large needs a van').waitFor();
    await phone.getByText('Read more').click();
    await phone.getByText('The phone would open https://example.com/terms').waitFor();
    const done = phone.getByRole('button', { name: 'Done' });
    expect(await done.isDisabled()).toBe(true);
    await phone.getByLabel('I accept the terms').check();
    await done.click();
    await phone.locator('[data-completion]').waitFor();
    expect(JSON.parse((await phone.locator('.params').textContent())!)).toEqual({ size: 'L', terms: true });
  });

  it('a reply that breaks the contract is shown with what to fix', async () => {
    const { page } = browser;
    const flowJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/flows-core/fixtures/echo.flow.json'), 'utf8'));
    const broken = flowJson.screens.find((screen: { id: string }) => screen.id === 'BROKEN');
    broken.layout.children = [{ type: 'Footer', label: 'Send', 'on-click-action': { name: 'data_exchange', payload: { mode: 'not-array' } } }];
    const file = join(dir, 'broken.flow.json');
    writeFileSync(file, JSON.stringify(flowJson));
    await preview('echo', { file });
    await page.locator('.screens button[data-screen="BROKEN"]').click();
    await page.locator('.phone').getByRole('button', { name: 'Send' }).click();
    const problem = page.locator('.phone [data-problem]');
    await problem.waitFor();
    expect(await problem.textContent()).toContain("breaks the flow's contract");
    expect(await problem.textContent()).toContain('Fix the handler of screen BROKEN');
    expect(await page.locator('.inspector .violations').first().textContent()).toContain('data.items: expected array, got string');
    await browser.screenshot('contract-violation');
  });

  it('PhotoPicker: a picked file is encrypted like the phone does and served from the local HTTPS CDN', async () => {
    const { page } = browser;
    const flowJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/flows-core/fixtures/echo.flow.json'), 'utf8'));
    const stay = flowJson.screens.find((screen: { id: string }) => screen.id === 'STAY');
    stay.layout.children = [
      { type: 'PhotoPicker', name: 'photos', label: 'Photos of the damage', 'min-uploaded-photos': 1, 'max-uploaded-photos': 3 },
      { type: 'Footer', label: 'Send', 'on-click-action': { name: 'data_exchange', payload: { photos: '${form.photos}' } } },
    ];
    const file = join(dir, 'media.flow.json');
    writeFileSync(file, JSON.stringify(flowJson));
    await preview('echo', { file });
    await page.locator('.screens button[data-screen="STAY"]').click();
    const phone = page.locator('.phone');
    expect(await phone.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true); // min-uploaded-photos: 1
    const photo = randomBytes(5000);
    await phone.locator('input[type="file"][name="photos"]').setInputFiles({ name: 'damage.jpg', mimeType: 'image/jpeg', buffer: photo });
    await phone.getByText('damage.jpg').waitFor();
    await phone.getByRole('button', { name: 'Send' }).click();
    // The endpoint's answer to STAY is an error_message: shown on the screen, as the phone does.
    await phone.locator('.snackbar').getByText('That code is not valid').waitFor();
    await browser.screenshot('photo-picker');

    const request = JSON.parse((await page.locator('.inspector .log').first().locator('pre').first().textContent())!);
    const [media] = request.data.photos as Array<{ cdn_url: string; file_name: string; encryption_metadata: Record<string, string> }>;
    expect(media.file_name).toBe('damage.jpg');
    // Checked as a media downloader must: hash of the CDN file, mac10, AES-256-CBC, hash of the plaintext.
    // Served over HTTPS with the preview's own certificate, as WhatsApp's CDN serves over HTTPS.
    expect(media.cdn_url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/cdn\//);
    const cdnFile = await httpsGet(media.cdn_url, readFileSync(join(dir, 'cdn', 'cdn-cert.pem'), 'utf8'));
    const meta = media.encryption_metadata;
    const b64 = (value: string) => Buffer.from(value, 'base64');
    expect(createHash('sha256').update(cdnFile).digest('base64')).toBe(meta.encrypted_hash);
    const [ciphertext, mac10] = [cdnFile.subarray(0, -10), cdnFile.subarray(-10)];
    const expectedMac = createHmac('sha256', b64(meta.hmac_key)).update(b64(meta.iv)).update(ciphertext).digest().subarray(0, 10);
    expect(timingSafeEqual(mac10, expectedMac)).toBe(true);
    const decipher = createDecipheriv('aes-256-cbc', b64(meta.encryption_key), b64(meta.iv));
    const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    expect(plaintext.equals(photo)).toBe(true);
    expect(createHash('sha256').update(plaintext).digest('base64')).toBe(meta.plaintext_hash);
  });

  it('the CLI reads the keys from the configuration, prints the address, never the token', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        'dist/src/tools/flow-preview.js',
        'inventory',
        '--url',
        test.url,
        '--port',
        String(port),
        '--token',
        'secret-token-123',
        '--cdn-dir',
        join(dir, 'cli cdn'),
      ],
      {
        cwd: PROJECT_ROOT,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          FLOW_PRIVATE_KEY: test.keys.privatePem,
          FLOW_PRIVATE_KEY_PASSPHRASE: test.keys.passphrase,
          WHATSAPP_APP_SECRET: test.appSecret,
        },
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    try {
      await eventually(
        async () => output,
        (text) => /open http/.test(text) || child.exitCode !== null,
        20_000,
      );
      expect(output).toContain(`✔ Preview of "inventory": open http://localhost:${port}/`);
      expect(output).not.toContain('secret-token-123');
      // One line says exactly what the server needs to fetch picked files; the certificate's key stays in its file.
      const certFile = join(dir, 'cli cdn', 'cdn-cert.pem');
      const line = output.split('\n').find((text) => text.includes('Picked files'));
      expect(line?.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:PORT')).toBe(
        "✔ Picked files are served from https://127.0.0.1:PORT/cdn/; for Flowgate's media handlers to fetch them, start it with " +
          `FLOW_MEDIA_HOSTS=127.0.0.1 FLOW_MEDIA_DEV_ALLOW_LOOPBACK=true FLOW_MEDIA_DEV_CA_FILE='${certFile}' ` +
          '(a new certificate: restart Flowgate if it already runs with these)',
      );
      expect(output).not.toContain('PRIVATE KEY');
      expect(output).not.toContain(readFileSync(join(dir, 'cli cdn', 'cdn-key.pem'), 'utf8').split('\n')[1]);
      const reply = await fetch(`http://127.0.0.1:${port}/api/exchange`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'data_exchange', screen: 'INVENTORY', data: { product_id: 'PROD-99' } }),
      });
      const body = (await reply.json()) as { status: number; reply: { screen: string }; violations: string[] };
      expect(body).toMatchObject({ status: 200, reply: { screen: 'AVAILABILITY' }, violations: [] });
      // Another site's page cannot drive it.
      const foreign = await fetch(`http://127.0.0.1:${port}/api/flow`, { headers: { origin: 'https://evil.example' } });
      expect(foreign.status).toBe(403);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('the CLI says what to fix when the port is taken', async () => {
    const taken = servers[0].url.match(/:(\d+)\//)![1];
    const run = await new Promise<{ code: number | null; output: string }>((done) => {
      const child = spawn(process.execPath, ['dist/src/tools/flow-preview.js', 'inventory', '--port', taken, '--cdn-dir', join(dir, 'cli cdn')], {
        cwd: PROJECT_ROOT,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          FLOW_PRIVATE_KEY: test.keys.privatePem,
          FLOW_PRIVATE_KEY_PASSPHRASE: test.keys.passphrase,
          WHATSAPP_APP_SECRET: test.appSecret,
        },
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('exit', (code) => done({ code, output }));
    });
    expect(run.code).toBe(1);
    expect(run.output).toContain(`✖ Port ${taken} is in use: pass --port <another>`);
  });

  it('the endpoint stopped: the page says so and how to fix it', async () => {
    const { page } = browser;
    await preview('inventory');
    await test.close();
    await page.locator('.phone').getByLabel('Product id or name').fill('PROD-99');
    await page.locator('.phone').getByRole('button', { name: 'Check availability' }).click();
    const problem = page.locator('.phone [data-problem]');
    await problem.waitFor();
    expect(await problem.textContent()).toContain(`Cannot reach ${test.url}`);
    expect(await problem.textContent()).toContain('Start Flowgate (npm start)');
    await browser.screenshot('endpoint-down');
    test = undefined as unknown as TestApp;
  });
});
