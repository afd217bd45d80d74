/**
 * The dashboard's dead letters in Chromium against the embedded host: messages that are not
 * valid events go on the queue (as a broken publisher's would) and the processor dead-letters
 * them; the admin replays one from its row, then ticks the rest and replays them together,
 * watching the progress bar. The worker is stopped before the replays, so what was replayed
 * waits on the queue where the test finds it (a running worker would dead-letter these bodies
 * again at once). Screenshots: test-results/ui/system-dead-letters*.png.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryKey, type Envelope } from '../../src/kernel/index.js';
import { chromiumMissing, launchChromium } from '../helpers/chromium.js';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';

const missing = chromiumMissing();
const SHOTS = 'test-results/ui';
const POISON = ['bad-1', 'bad-2', 'bad-3', 'bad-4'];

if (missing !== undefined) it.skip(`the dashboard's dead letters in a browser: ${missing}`, () => undefined);

describe.skipIf(missing !== undefined)("the dashboard's dead letters in Chromium", () => {
  let system: TestSystem;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const messageIds = POISON.map((id) => deliveryKey('alice', id));

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    system = await startTestSystem();
    const queue = system.host.system.storage.queue;
    await queue.publish(POISON.map((id, n) => ({ id, userid: 'alice', type: 40 + n }) as unknown as Envelope));
    for (let i = 0; ; i += 1) {
      const letters = await queue.list(100);
      if (messageIds.every((messageId) => letters.some((letter) => letter.messageId === messageId))) break;
      if (i > 400) throw new Error('the poison messages were not dead-lettered in time');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await system.host.system.worker.stop(1000);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.addInitScript((token: string) => (globalThis as unknown as { sessionStorage: { setItem(key: string, value: string): void } }).sessionStorage.setItem('vextir.token', token), await system.token('root', { admin: true }));
    page = await context.newPage();
    page.on('console', (message: ConsoleMessage) => { if (message.type() === 'error') problems.push(message.text()); });
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  const row = (messageId: string) => page.locator(`[data-component="dead_letters"] tr[data-message-id="${messageId}"]`);

  it('lists the dead letters with why they were given up on and what they carry', async () => {
    await page.goto(`${system.url}/apps/system#/dead-letters`);
    await row(messageIds[0]!).waitFor();
    expect(await page.locator('[data-component="dead_letters"] tr.dead-letter').count()).toBe(POISON.length);
    expect(await row(messageIds[0]!).textContent()).toContain('invalid_event');
    expect(await row(messageIds[0]!).textContent()).toContain('40 · bad-1 · user alice');
    expect(await page.locator('button.replay-selected').textContent()).toBe('Replay selected (0)');
    expect(await page.locator('button.replay-selected').isDisabled()).toBe(true);
  });

  it('replays one from its row', async () => {
    const first = row(messageIds[0]!);
    await first.locator('button.replay-one').click();
    await page.locator(`[data-component="dead_letters"] tr[data-replayed][data-message-id="${messageIds[0]}"] .outcome`, { hasText: 'back on the queue' }).waitFor();
    const letters = await system.host.system.storage.queue.list(100);
    expect(letters.map((letter) => letter.messageId)).not.toContain(messageIds[0]);
  });

  it('replays the selected ones together, with a progress bar', async () => {
    await page.locator('[data-component="dead_letters"] .bulk input[type="checkbox"]').check();
    // The one already replayed is not selected again.
    expect(await page.locator('button.replay-selected').textContent()).toBe('Replay selected (3)');
    await page.locator('button.replay-selected').click();
    await page.locator('[data-component="dead_letters"][data-bulk="done"]').waitFor();
    expect(await page.locator('.bulk-status').textContent()).toBe('Done: 3 of 3 replayed');
    expect(await page.locator('.bulk progress').evaluate((bar) => [(bar as unknown as { value: number }).value, (bar as unknown as { max: number }).max])).toEqual([3, 3]);
    expect(await page.locator('[data-component="dead_letters"] tr[data-replayed]').count()).toBe(4);
    await page.screenshot({ path: `${SHOTS}/system-dead-letters.png`, fullPage: true });

    // Every one is back on the queue with a fresh delivery count, and none is a dead letter now.
    const queue = system.host.system.storage.queue;
    expect(await queue.list(100)).toEqual([]);
    const deliveries = await queue.receive(10);
    expect(deliveries.map((delivery) => delivery.messageId).sort()).toEqual([...messageIds].sort());
    expect(deliveries.every((delivery) => delivery.deliveryCount === 1)).toBe(true);
    for (const delivery of deliveries) await queue.release(delivery);
    // Each replay is in the admin's audit trail.
    const audit = (await (await system.request('root', 'GET', '/api/audit?limit=1000', { admin: true })).json()) as { entries: Array<{ action?: string; target?: string }> };
    expect(audit.entries.filter((entry) => entry.action === 'dead_letter.replay').map((entry) => entry.target).sort()).toEqual([...messageIds].sort());
    await page.locator('[data-component="dead_letters"] button', { hasText: 'Refresh' }).click();
    await page.locator('[data-component="dead_letters"] .empty', { hasText: 'No dead letters' }).waitFor();
  });

  it('logged no script error or CSP violation', () => {
    expect(problems).toEqual([]);
  });
});
