import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { cdnCertificate } from '../../src/tools/preview/cdn-certificate.js';
import { serverMediaSettings } from '../../src/tools/preview/phone-media.js';
import { startPreviewServer, type PreviewServer } from '../../src/tools/preview/preview-server.js';
import { makePdf } from '../kit/whatsapp-media.js';
import { openBrowser, type Browser } from '../support/browser.js';
import { eventually } from '../support/eventually.js';
import { PROJECT_ROOT } from '../support/server-process.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface MediaRow {
  field: string;
  screen: string;
  file_name: string;
  content_type: string | null;
  size: number | null;
  sha256: string | null;
  storage_key: string | null;
  status: string;
  error: string | null;
}

/**
 * The returns flow in the preview, in a real Chromium: the files picked on its PhotoPicker and
 * DocumentPicker are encrypted by the preview, served from its HTTPS CDN, and downloaded, verified,
 * decrypted, typed and stored by Flowgate's real media handlers, configured as the preview tells.
 */
describe('npm run flow:preview: returns, with media fetched for real from the HTTPS CDN', () => {
  let test: TestApp;
  let browser: Browser;
  let preview: PreviewServer;
  let db: DataSource;
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-preview-returns-'));
  const mediaDir = join(dir, 'media');
  const certDir = join(dir, 'cdn');
  const mediaRows = (field: string): Promise<MediaRow[]> =>
    db.query(`SELECT * FROM flow_media WHERE flow = 'returns' AND field = $1 ORDER BY created_at`, [field]);

  beforeAll(async () => {
    // The certificate first, as a developer's earlier preview run left it: the server trusts its file.
    const { certFile } = await cdnCertificate(certDir);
    test = await startTestApp({ env: { DEMO_DATA: 'true', FLOW_MEDIA_DIR: mediaDir, ...serverMediaSettings(certFile) } });
    db = test.app.get(DataSource);
    browser = await openBrowser('preview');
    preview = await startPreviewServer({
      flow: 'returns',
      flowJsonFile: join(PROJECT_ROOT, 'src/flows/returns/returns.flow.json'),
      url: test.url,
      credentials: { publicKey: test.keys.publicPem, appSecret: test.appSecret },
      port: 0,
      cdnCertDir: certDir,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await preview?.close();
    await test?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('CHOOSE → PHOTOS: a text file posing as a photo is refused on screen; a real PNG is stored byte for byte; RECEIPT → completed', async () => {
    // The preview reused the certificate the server was started with, and says so.
    expect(preview.cdn).toMatchObject({ caFile: join(certDir, 'cdn-cert.pem'), newCertificate: false });
    expect(preview.cdn.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/cdn\/$/);
    const { page } = browser;
    await page.goto(preview.url);
    const phone = page.locator('.phone');
    await page.getByRole('button', { name: 'Start with INIT' }).click();
    await phone.getByText('Type the id of the product you want to return.').waitFor();
    await phone.getByLabel('Or type a product id').fill('prod-99');
    await phone.getByLabel('What is wrong?').fill('The scroll wheel squeaks');
    await browser.screenshot('returns-1-CHOOSE');
    await phone.getByRole('button', { name: 'Continue' }).click();

    await page.locator('.phone[data-screen="PHOTOS"]').waitFor();
    await phone.getByRole('heading', { name: 'Wireless Mouse' }).waitFor();
    const continueButton = phone.getByRole('button', { name: 'Continue' });
    expect(await continueButton.isDisabled()).toBe(true); // min-uploaded-photos: 1
    const picker = phone.locator('input[type="file"][name="photos"]');

    // Text bytes under an image name: the handler reads the type from the bytes and refuses it.
    const notAnImage = join(dir, 'wheel.png');
    writeFileSync(notAnImage, 'This is a note about the wheel, not a photo of it.\n');
    await picker.setInputFiles(notAnImage);
    await phone.locator('.c-picked').getByText('wheel.png').waitFor();
    await continueButton.click();
    await phone.locator('.snackbar').getByText('"wheel.png" is not a file type we accept here.').waitFor();
    expect(await page.locator('.phone').getAttribute('data-screen')).toBe('PHOTOS');
    await browser.screenshot('returns-2-PHOTOS-refused');
    expect(await mediaRows('photos')).toEqual([]);

    // A real PNG from disk (the README's screenshot).
    const photoFile = join(PROJECT_ROOT, 'docs/preview.png');
    const photo = readFileSync(photoFile);
    await picker.setInputFiles(photoFile);
    await phone.locator('.c-picked').getByText('preview.png').waitFor();
    await browser.screenshot('returns-3-PHOTOS');
    await continueButton.click();

    await page.locator('.phone[data-screen="RECEIPT"]').waitFor();
    await phone.getByText('1 photo received.').waitFor();
    const sha256 = createHash('sha256').update(photo).digest('hex');
    const [stored] = await mediaRows('photos');
    expect(stored).toMatchObject({
      screen: 'PHOTOS',
      file_name: 'preview.png',
      content_type: 'image/png',
      size: photo.length,
      sha256,
      status: 'stored',
      error: null,
    });
    expect((await mediaRows('photos')).length).toBe(1);
    // The bytes on disk are the picked file's, under their SHA-256.
    expect(readFileSync(join(mediaDir, sha256.slice(0, 2), sha256)).equals(photo)).toBe(true);
    // What the phone sent went to the HTTPS CDN, not to the page's server.
    const request = JSON.parse((await page.locator('.inspector .log').first().locator('pre').first().textContent())!);
    expect(request.data.photos[0].cdn_url.startsWith(preview.cdn.url)).toBe(true);
    await browser.screenshot('returns-4-RECEIPT');

    // The receipt is kept in the background: the media job fetches it from the same CDN after the answer.
    const receiptFile = join(dir, 'receipt.pdf');
    const receipt = makePdf();
    writeFileSync(receiptFile, receipt);
    await phone.locator('input[type="file"][name="receipt"]').setInputFiles(receiptFile);
    await phone.locator('.c-picked').getByText('receipt.pdf').waitFor();
    await phone.getByRole('button', { name: 'Send return request' }).click();
    await phone.locator('[data-completion]').waitFor();
    expect(JSON.parse((await phone.locator('.params').textContent())!)).toMatchObject({ product_id: 'PROD-99', photos: 1, receipt: true });
    await browser.screenshot('returns-5-completed');
    const [kept] = await eventually(
      () => mediaRows('receipt'),
      (rows) => rows?.[0]?.status !== 'pending',
    );
    const receiptSha = createHash('sha256').update(receipt).digest('hex');
    expect(kept).toMatchObject({ file_name: 'receipt.pdf', content_type: 'application/pdf', sha256: receiptSha, status: 'stored' });
    expect(readFileSync(join(mediaDir, receiptSha.slice(0, 2), receiptSha)).equals(receipt)).toBe(true);
    const [request_] = await db.query(`SELECT sku, problem, status FROM returns_requests`);
    expect(request_).toEqual({ sku: 'PROD-99', problem: 'The scroll wheel squeaks', status: 'open' });
  });

  it('a Flowgate not started with those settings: the page shows the refusal and the exact settings to start it with', async () => {
    // The usual configuration: WhatsApp's hosts only, no loopback, no extra CA.
    const plain = await startTestApp({ env: { DEMO_DATA: 'true', FLOW_MEDIA_DIR: join(dir, 'plain-media') } });
    const other = await startPreviewServer({
      flow: 'returns',
      flowJsonFile: join(PROJECT_ROOT, 'src/flows/returns/returns.flow.json'),
      url: plain.url,
      credentials: { publicKey: plain.keys.publicPem, appSecret: plain.appSecret },
      port: 0,
      cdnCertDir: certDir,
    });
    try {
      const { page } = browser;
      await page.goto(other.url);
      const phone = page.locator('.phone');
      await phone.getByLabel('Or type a product id').fill('PROD-99');
      await phone.getByLabel('What is wrong?').fill('The scroll wheel squeaks');
      await phone.getByRole('button', { name: 'Continue' }).click();
      await page.locator('.phone[data-screen="PHOTOS"]').waitFor();
      await phone.locator('input[type="file"][name="photos"]').setInputFiles(join(PROJECT_ROOT, 'docs/preview.png'));
      await phone.locator('.c-picked').getByText('preview.png').waitFor();
      await phone.getByRole('button', { name: 'Continue' }).click();
      await phone.locator('.snackbar').getByText('"preview.png" could not be fetched from WhatsApp. Please attach it again.').waitFor();
      const problem = phone.locator('[data-problem]');
      await problem.waitFor();
      expect(await problem.locator('.fix').textContent()).toBe(
        `Start Flowgate with FLOW_MEDIA_HOSTS=127.0.0.1 FLOW_MEDIA_DEV_ALLOW_LOOPBACK=true FLOW_MEDIA_DEV_CA_FILE=${join(certDir, 'cdn-cert.pem')} ` +
          "(outside production only), then pick the file again. Flowgate's log names the reason.",
      );
      await browser.screenshot('returns-PHOTOS-server-not-set-up');
    } finally {
      await other.close();
      await plain.close();
    }
  });
});
