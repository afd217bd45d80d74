/**
 * UI applications in a real browser (the system's Chromium over playwright-core) against the
 * embedded host: sign in with a dev token, see events arrive live without a reload, submit an
 * action's form and watch its event's status, and check that event data is shown as text only
 * (a `<script>` in an event never runs) under the pages' CSP. Screenshots: test-results/ui/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_CSP } from '../../src/ui/index.js';
import { chromiumMissing, launchChromium } from '../helpers/chromium.js';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';

const missing = chromiumMissing();
const SHOTS = 'test-results/ui';
const EXAMPLES: Record<string, string> = { tasks: 'apps/tasks.yaml', weather: 'packs/weather/weather-app.yaml' };
const example = (name: string) => readFileSync(new URL(`../../examples/${EXAMPLES[name] ?? `apps/${name}.yaml`}`, import.meta.url), 'utf8');

if (missing !== undefined) it.skip(`UI applications in a browser: ${missing}`, () => undefined);

describe.skipIf(missing !== undefined)('UI applications in Chromium', () => {
  let system: TestSystem;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    system = await startTestSystem();
    for (const name of ['tasks', 'weather']) {
      const response = await system.request('alice', 'POST', '/api/ui-apps', { body: example(name), headers: { 'content-type': 'application/yaml' } });
      expect(response.status, await response.text()).toBe(201);
    }
    const put = await system.request('alice', 'PUT', '/api/context/Tasks/Active/report', { body: { title: 'Quarterly report', priority: 'high', description: 'numbers for Q3' } });
    expect(put.status, await put.text()).toBeLessThan(300);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    // CSP violations and script errors show up here; a page that works has none.
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('signs in with a dev token and shows the task dashboard under its CSP', async () => {
    const response = await page.goto(`${system.url}/apps/_signin?next=${encodeURIComponent('/apps/dashboard/tasks')}`);
    expect(response?.headers()['content-security-policy']).toBe(APP_CSP);
    await page.fill('form.signin textarea', await system.token('alice'));
    await page.click('form.signin button');
    await page.waitForURL('**/apps/dashboard/tasks');
    await page.waitForSelector('body[data-live="open"]');
    await expect.poll(() => page.title()).toBe('Task Dashboard - Vextir');
    await page.locator('[data-component="active_tasks"] .card', { hasText: 'Quarterly report' }).waitFor();
    expect(await page.evaluate(() => typeof (globalThis as { Chart?: unknown }).Chart)).toBe('function');
    await page.locator('[data-component="task_metrics"] .chart-summary', { hasText: 'task.completed in 7d' }).waitFor();
  });

  it('shows a task.created posted over HTTP live, without a reload', async () => {
    const marker = await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    const bobs = await system.emit('bob', 'task.created', { title: "Bob's task" });
    const id = await system.emit('alice', 'task.created', { title: 'Live task', description: 'from the API' });
    const item = page.locator(`[data-component="task_timeline"] li[data-event-id="${id}"]`);
    await item.waitFor();
    // The stream is the reader's: another user's event, sent first, never shows.
    expect(await page.locator(`li[data-event-id="${bobs}"]`).count()).toBe(0);
    expect(await item.textContent()).toContain('Live task');
    await expect.poll(() => item.locator('.status').textContent()).toBe('processed');
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(marker);
    const completed = await system.emit('alice', 'task.completed', { title: 'Live task', duration: 90 });
    await page.locator('[data-component="task_metrics"] .chart-summary', { hasText: 'average duration 90.0 s' }).waitFor();
    expect(completed).toBeTruthy();
    await page.screenshot({ path: `${SHOTS}/task-dashboard.png`, fullPage: true });
  });

  it('submits the New Task form and shows the event accepted and its status', async () => {
    await page.click('button.action-button:has-text("New Task")');
    const form = page.locator('form.emit[data-emits="task.create"]');
    await form.locator('input[name="title"]').fill('Write the summary');
    await form.locator('textarea[name="description"]').fill('by Friday');
    await form.locator('select[name="priority"]').selectOption('high');
    await form.locator('button[type="submit"]').click();
    const id = (await form.locator('.answer .event-id').textContent()) ?? '';
    expect(id).not.toBe('');
    await expect.poll(() => form.locator('.answer .status').textContent()).not.toBe('accepted');
    const record = await system.settled('alice', id);
    expect(record.event).toMatchObject({ type: 'task.create', data: { title: 'Write the summary', description: 'by Friday', priority: 'high' } });
    expect(await form.locator('.answer .status').textContent()).toBe(record.status);
    await page.screenshot({ path: `${SHOTS}/task-form.png`, fullPage: true });
  });

  it('shows event data as text: a <script> in an event never runs', async () => {
    const hostile = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
    const id = await system.emit('alice', 'task.created', { title: hostile, description: '{{data.title}}' });
    const item = page.locator(`[data-component="task_timeline"] li[data-event-id="${id}"]`);
    await item.waitFor();
    expect(await item.locator('.templated strong').textContent()).toBe(hostile);
    expect(await item.locator('script, img').count()).toBe(0);
    // A value is never a template: {{…}} inside data is shown as it is.
    expect(await item.locator('.templated span').textContent()).toBe('{{data.title}}');
    // Reloading renders it from GET /api/events instead of the stream: the same.
    await page.reload();
    await page.locator(`[data-component="task_timeline"] li[data-event-id="${id}"] .templated strong`, { hasText: '<script>' }).waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    // An action's form stays folded until its button is pressed.
    expect(await page.locator('form.emit[data-emits="task.create"]').isVisible()).toBe(false);
    await page.screenshot({ path: `${SHOTS}/escaped.png`, fullPage: true });
  });

  it('shows weather.data cards on /weather, live', async () => {
    await system.emit('alice', 'weather.data', { location: 'Oslo', temperature: -3, conditions: 'snow' });
    await page.goto(`${system.url}/apps/weather`);
    await page.waitForSelector('body[data-live="open"]');
    const cards = page.locator('[data-component="latest"] li');
    await cards.filter({ hasText: 'Oslo' }).waitFor();
    await system.emit('alice', 'weather.data', { location: 'Bergen', temperature: 7, conditions: 'rain' });
    const bergen = cards.filter({ hasText: 'Bergen' });
    await bergen.waitFor();
    expect(await bergen.locator('h3').textContent()).toBe('Bergen');
    expect(await bergen.locator('strong').textContent()).toBe('7°');
    expect(await bergen.locator('em').textContent()).toBe('rain');
    await expect.poll(() => page.locator('[data-component="readings"] .metric-value').textContent()).toBe('2');
    expect(await page.locator('[data-component="about"] .markdown strong').textContent()).toBe('weather_tool');
    // Alerts filed in the Context Hub (as the Severe Weather Alert instruction does) show as a table.
    const filed = await system.request('alice', 'PUT', '/api/context/Alerts/Weather/2026-12-03/alert-1', { body: { location: 'Tromsø', severity: 'Severe', headline: 'Storm <b>warning</b>' } });
    expect(filed.status, await filed.text()).toBeLessThan(300);
    await system.emit('alice', 'weather.severe', { location: 'Tromsø', severity: 'Severe' });
    const row = page.locator('[data-component="alerts"] table tr', { hasText: 'Tromsø' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Storm <b>warning</b>');
    // The form component: weather.get sent, its id and status shown.
    const ask = page.locator('[data-component="ask"] form');
    await ask.locator('input[name="location"]').fill('Oslo');
    await ask.locator('button[type="submit"]').click();
    await expect.poll(() => ask.locator('.answer .status').textContent()).toBe('processed');
    await page.screenshot({ path: `${SHOTS}/weather.png`, fullPage: true });
  });

  it('lists the applications at /apps', async () => {
    await page.goto(`${system.url}/apps/`);
    const links = page.locator('ul.apps a');
    await links.first().waitFor();
    expect(await links.allTextContents()).toEqual(['Task Dashboard', 'Weather']);
    expect(await Promise.all([0, 1].map((index) => links.nth(index).getAttribute('href')))).toEqual(['/apps/dashboard/tasks', '/apps/weather']);
  });

  it('asks for a token again when there is none, and another user sees none of the applications', async () => {
    const fresh = await browser.newContext();
    const other = await fresh.newPage();
    await other.goto(`${system.url}/apps/weather`);
    await other.waitForURL('**/apps/_signin?next=%2Fapps%2Fweather');
    await other.fill('form.signin textarea', await system.token('bob'));
    await other.click('form.signin button');
    await other.waitForURL('**/apps/weather');
    await other.locator('main .error', { hasText: 'There is no application at /apps/weather' }).waitFor();
    await fresh.close();
  });

  it('reconnects a stream that ended, resuming from its last id (or from now when the server refuses it)', async () => {
    const tab = await context.newPage();
    await tab.addInitScript((token: string) => (globalThis as unknown as { sessionStorage: { setItem(key: string, value: string): void } }).sessionStorage.setItem('vextir.token', token), await system.token('alice'));
    const resumedFrom: Array<string | undefined> = [];
    const record = { id: 'evt_from_the_first_stream', type: 'weather.data', status: 'processed', receivedAt: new Date().toISOString(), event: { time: new Date().toISOString(), data: { location: 'Lost City', temperature: 1, conditions: 'fog' } } };
    await tab.route('**/api/stream*', async (route) => {
      resumedFrom.push(route.request().headers()['last-event-id']);
      if (resumedFrom.length > 1) return route.continue();
      // The first stream delivers one record and ends, as a restarted server's would.
      await route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: `: connected\n\nid: stale-cursor\nevent: processed\ndata: ${JSON.stringify(record)}\n\n` });
    });
    await tab.goto(`${system.url}/apps/weather`);
    await tab.locator('[data-component="latest"] li', { hasText: 'Lost City' }).waitFor();
    // It reconnects with Last-Event-ID; this server refuses that cursor (400), so it starts from now.
    await expect.poll(() => resumedFrom.length).toBeGreaterThanOrEqual(3);
    expect(resumedFrom.slice(0, 3)).toEqual([undefined, 'stale-cursor', undefined]);
    await system.emit('alice', 'weather.data', { location: 'Trondheim', temperature: 2, conditions: 'sleet' });
    await tab.locator('[data-component="latest"] li', { hasText: 'Trondheim' }).waitFor();
    await tab.close();
  });

  it('logged no script error or CSP violation', () => {
    expect(problems).toEqual([]);
  });
});
