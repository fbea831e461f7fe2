import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startPreviewServer, type PreviewServer } from '../../src/tools/preview/preview-server.js';
import { openBrowser, type Browser } from '../support/browser.js';
import { PROJECT_ROOT } from '../support/server-process.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TestFlowsModule } from '../flows-core/fixtures/test-flows.js';

const fixture = (name: string) => JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/fixtures/flow-json/valid', `${name}.json`), 'utf8'));

/** Days of the current month (UTC), so that the calendars open on a month the test knows. */
const month = new Date().toISOString().slice(0, 7);
const day = (n: number) => `${month}-${String(n).padStart(2, '0')}`;
const isSunday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay() === 0;

/**
 * The components of Flow JSON 5.1 to 7.3 in a real Chromium, from the Flow JSONs of
 * test/fixtures/flow-json/valid: CalendarPicker (range and single), NavigationList, ChipsSelector,
 * ImageCarousel, RichText, TextInput pattern and sensitive fields in the response summary. Requests
 * go to the echo test flow of a real Flowgate; the page runs under its Content-Security-Policy.
 */
describe('npm run flow:preview: the components of Flow JSON 7.3 (in a real browser)', () => {
  let test: TestApp;
  let browser: Browser;
  const servers: PreviewServer[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-preview-components-'));
  const cspViolations: string[] = [];

  async function preview(flowJson: unknown, name: string) {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(flowJson));
    const server = await startPreviewServer({
      flow: 'echo',
      flowJsonFile: file,
      url: test.url,
      credentials: { publicKey: test.keys.publicPem, appSecret: test.appSecret },
      port: 0,
      cdnCertDir: join(dir, 'cdn'),
    });
    servers.push(server);
    await browser.page.goto(server.url);
    return server;
  }

  /** The decrypted request of the newest log entry of the inspector (an exchange). */
  async function lastRequest() {
    const text = await browser.page.locator('.inspector .log').first().locator('pre').first().textContent();
    return JSON.parse(text!) as { action: string; screen: string; data: Record<string, unknown> };
  }

  beforeAll(async () => {
    test = await startTestApp({ modules: [TestFlowsModule], env: { DEMO_DATA: 'true', FLOW_CONTRACT_CHECK: 'log' } });
    browser = await openBrowser('preview-components');
    browser.page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
    for (const server of servers) await server.close();
    await test?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('CalendarPicker (hotel-booking-6.1): a range within min-days..max-days, unavailable days and weekdays greyed out, a single date', async () => {
    const { page } = browser;
    const flowJson = fixture('hotel-booking-6.1');
    const stay = flowJson.screens[0];
    stay.data.unavailable.__example__ = [day(9)];
    const range = stay.layout.children[0];
    Object.assign(range, { 'min-date': day(1), 'max-date': day(28), 'include-days': ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] });
    stay.layout.children.splice(1, 0, { type: 'CalendarPicker', name: 'visit', label: 'Visit day', 'min-date': day(1), 'max-date': day(28) });
    await preview(flowJson, 'hotel');
    // The first screen declares data and the flow has an endpoint: it starts with INIT.
    await page.getByRole('button', { name: 'Start with INIT' }).waitFor();
    expect(await page.locator('.sidebar .start-reason').textContent()).toContain('STAY declares data (unavailable)');

    const phone = page.locator('.phone');
    const calendar = phone.locator('[data-calendar="stay"]');
    expect(await calendar.getAttribute('data-month')).toBe(month);
    expect(await calendar.locator(`button[data-date="${day(9)}"]`).isDisabled()).toBe(true);
    const sunday = [...Array(7).keys()].map((n) => day(n + 1)).find(isSunday)!;
    expect(await calendar.locator(`button[data-date="${sunday}"]`).isDisabled()).toBe(true);
    const open = [...Array(20).keys()].map((n) => day(n + 2)).filter((date) => !isSunday(date) && date !== day(9));
    const [start, , end] = open;
    await calendar.locator(`button[data-date="${start}"]`).click();
    expect(await phone.locator('input[name="stay.start-date"]').inputValue()).toBe(start);
    await phone.getByText('Pick the end date').waitFor();
    // max-days is 14: an end further away cannot be picked.
    const tooFar = new Date(Date.parse(`${start}T00:00:00Z`) + 15 * 86_400_000).toISOString().slice(0, 10);
    if (tooFar.startsWith(month)) expect(await calendar.locator(`button[data-date="${tooFar}"]`).isDisabled()).toBe(true);
    await calendar.locator(`button[data-date="${end}"]`).click();
    expect(await phone.locator('input[name="stay.end-date"]').inputValue()).toBe(end);
    expect(await calendar.locator('button.c-day.inside').count()).toBeGreaterThan(0);

    await phone.locator(`[data-calendar="visit"] button[data-date="${open[4]}"]`).click();
    expect(await phone.locator('input[name="visit"]').inputValue()).toBe(open[4]);
    const footer = phone.getByRole('button', { name: 'See rooms' });
    expect(await footer.isDisabled()).toBe(true); // guests is required
    await phone.getByLabel('Guests').fill('2');
    await browser.screenshot('calendar-picker-range');
    await footer.click();
    await page.locator('.inspector .log').first().getByText('data_exchange from STAY').waitFor();
    expect((await lastRequest()).data).toEqual({ stay: { 'start-date': start, 'end-date': end }, guests: '2' });
    // The echo flow answers STAY with an error message (without STAY's declared data): shown on the
    // phone, never called a match.
    await phone.locator('.snackbar').waitFor();
    const inspector = page.locator('.inspector .log').first();
    expect(await inspector.getAttribute('class')).toBe('entry log bad');
    expect(await inspector.textContent()).toContain('An error answer, not a screen');
    expect(await inspector.textContent()).not.toContain('The reply matches the Flow JSON');
  });

  it('NavigationList (catalog-navigation-list-6.2): rich items whose own action runs on a tap', async () => {
    const { page } = browser;
    await preview(fixture('catalog-navigation-list-6.2'), 'catalog');
    await page.getByRole('button', { name: 'Start on CATEGORIES' }).waitFor();
    const phone = page.locator('.phone');
    const phones = phone.locator('.c-navitem[data-id="phones"]');
    for (const text of ['Phones', 'New models', 'From 199 EUR', 'New', '12']) await phones.getByText(text, { exact: true }).waitFor();
    await phone.locator('.c-navitem[data-id="laptops"]').getByText('Sale', { exact: true }).waitFor();
    await browser.screenshot('navigation-list');
    await phone.locator('.c-navitem[data-id="laptops"]').click();
    await page.locator('.inspector .log').first().getByText('data_exchange from CATEGORIES').waitFor();
    expect(await lastRequest()).toMatchObject({ action: 'data_exchange', screen: 'CATEGORIES', data: { category: 'laptops' } });
  });

  it('ChipsSelector (interests-chips-6.3): up to max-selected-items chips, then the summary of the answers', async () => {
    const { page } = browser;
    await preview(fixture('interests-chips-6.3'), 'interests');
    expect(await page.locator('.sidebar .start-reason').textContent()).toContain('no data endpoint');
    const phone = page.locator('.phone');
    const save = phone.getByRole('button', { name: 'Save' });
    expect(await save.isDisabled()).toBe(true);
    for (const topic of ['sport', 'music', 'travel']) await phone.locator(`.c-chip[data-id="${topic}"]`).click();
    expect(await phone.locator('.c-chip[data-id="food"]').isDisabled()).toBe(true); // max-selected-items: 3
    expect(await phone.locator('.c-chip[aria-pressed="true"]').count()).toBe(3);
    await browser.screenshot('chips-selector');
    await save.click();
    await phone.locator('[data-completion]').waitFor();
    expect(JSON.parse((await phone.locator('.params').textContent())!)).toEqual({ topics: ['sport', 'music', 'travel'] });
    expect(await phone.locator('[data-how]').textContent()).toBe('The complete action on INTERESTS ended the flow.');
    expect(await phone.locator('.summary-row[data-name="topics"] dd').textContent()).toBe('Sport, Music, Travel');
  });

  it('ImageCarousel (property-tour-carousel-7.1): one image at a time, the arrows move on', async () => {
    const { page } = browser;
    await preview(fixture('property-tour-carousel-7.1'), 'tour');
    const carousel = page.locator('.phone .c-carousel');
    await carousel.getByAltText('Living room').waitFor();
    expect(await carousel.getByAltText('Kitchen').isVisible()).toBe(false);
    await carousel.getByRole('button', { name: 'Next image' }).click();
    await carousel.getByAltText('Kitchen').waitFor();
    expect(await carousel.getByAltText('Living room').isVisible()).toBe(false);
    await browser.screenshot('image-carousel');
    await page.locator('.phone').getByRole('button', { name: 'Book a visit' }).click();
    await page.locator('.phone[data-screen="VISIT"]').waitFor();
  });

  it('RichText (terms-richtext-5.1): headings, paragraphs and lists from an array of strings; markdown TextBody', async () => {
    const { page } = browser;
    await preview(fixture('terms-richtext-5.1'), 'terms');
    const phone = page.locator('.phone');
    await phone.locator('strong').getByText('Welcome!').waitFor();
    await page.locator('.screens button[data-screen="TERMS"]').click();
    await phone.getByRole('heading', { name: 'Terms of service' }).waitFor();
    await phone.getByRole('heading', { name: '1. Use' }).waitFor();
    expect(await phone.locator('.c-richtext li').allTextContents()).toEqual(['no resale', 'no scraping']);
    expect(await phone.locator('.c-richtext em').textContent()).toBe('personal');
    await browser.screenshot('rich-text');
  });

  it('TextInput pattern and sensitive fields (loan-application-7.3): the format error, then the summary masks what the screen marks sensitive', async () => {
    const { page } = browser;
    const flowJson = fixture('loan-application-7.3');
    const details = flowJson.screens[1];
    details.terminal = true;
    details.sensitive = ['pan', 'pin'];
    details.layout.children.splice(3, 0, { type: 'TextInput', name: 'pin', label: 'PIN', 'input-type': 'passcode', required: true });
    details.layout.children[4]['on-click-action'] = {
      name: 'complete',
      payload: { name: '${form.name}', pan: '${form.pan}', income: '${form.income}', pin: '${form.pin}' },
    };
    await preview(flowJson, 'loan');
    await page.locator('.screens button[data-screen="DETAILS"]').click();
    const phone = page.locator('.phone');
    const footer = phone.getByRole('button', { name: 'Continue' });
    await phone.getByLabel('Full name').fill('Maria Silva');
    await phone.getByLabel('Tax id').fill('abc');
    await phone.getByLabel('Tax id').blur();
    await phone.locator('[data-field="pan"] .c-error').getByText('8 to 12 letters or digits').waitFor();
    await browser.screenshot('text-input-pattern');
    await phone.getByLabel('Tax id').fill('AB12CD34');
    expect(await phone.locator('[data-field="pan"] .c-error').count()).toBe(0);
    await phone.getByLabel('Yearly income').selectOption('low');
    await phone.getByLabel('PIN').fill('1234');
    await footer.click();
    await phone.locator('[data-completion]').waitFor();
    // The business receives every value; the user's summary in the chat masks the sensitive ones.
    expect(JSON.parse((await phone.locator('.params').textContent())!)).toEqual({ name: 'Maria Silva', pan: 'AB12CD34', income: 'low', pin: '1234' });
    const summary = phone.locator('[data-summary]');
    expect(await summary.locator('[data-name="name"] dd').textContent()).toBe('Maria Silva');
    expect(await summary.locator('[data-name="pan"] dd').textContent()).toBe('••••••••••••');
    expect(await summary.locator('[data-name="income"] dd').textContent()).toBe('Under 30,000 EUR');
    expect(await summary.locator('[data-name="pin"]').count()).toBe(0); // a sensitive passcode is left out
    expect(await summary.textContent()).not.toContain('AB12CD34');
    await browser.screenshot('sensitive-summary');
  });

  it('the page is served with its Content-Security-Policy and nothing on it broke the policy', async () => {
    const server = servers[0];
    const response = await fetch(server.url);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).toContain(`connect-src 'self' ${new URL(server.cdn.url).origin}`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(cspViolations).toEqual([]);
  });
});
