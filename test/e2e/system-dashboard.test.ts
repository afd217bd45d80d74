/**
 * The operator's dashboard (/apps/system) in a real browser (the system's Chromium over
 * playwright-core) against the embedded host, with an OpenAI wire-format server for an agent
 * whose writes need approval. An admin filters and searches the feed, opens an event's page (its
 * decision and why, its chain), watches a plan's DAG turn completed live and cancels another,
 * approves an agent's tool call and follows the run's timeline, and sees drivers and usage; a
 * user without the admin role sees no admin view and only their own events. No script error or
 * CSP violation along the way. Screenshots: test-results/ui/system-*.png.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium } from '../helpers/chromium.js';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';
import { startOpenAiServer, type ModelServer } from '../helpers/model-servers/index.js';
import { until } from '../helpers/until.js';

const missing = chromiumMissing();
const SHOTS = 'test-results/ui';
const ADMIN = 'root';
const YAML = { 'content-type': 'application/yaml' };

if (missing !== undefined) it.skip(`the system dashboard in a browser: ${missing}`, () => undefined);

describe.skipIf(missing !== undefined)('the system dashboard in Chromium', () => {
  let openai: ModelServer;
  let system: TestSystem;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const ids: Record<string, string> = {};

  const get = async <T>(path: string, user = ADMIN): Promise<T> => (await (await system.request(user, 'GET', path, { admin: user === ADMIN })).json()) as T;
  const feedTypes = () => page.locator('[data-component="feed"] tr.event .type').allTextContents();
  const apply = async (filters: Record<string, string>) => {
    const form = page.locator('form.feed-controls');
    await form.locator('button', { hasText: 'Clear' }).click();
    for (const [name, value] of Object.entries(filters)) {
      const field = form.locator(`[name="${name}"]`);
      if (name === 'status') await field.selectOption(value);
      else await field.fill(value);
    }
    await form.locator('button[type="submit"]').click();
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    openai = await startOpenAiServer();
    const filer = { id: 'filer', name: 'Filer', capabilities: ['file.it'], tools: ['context_write'], approval: { tools: ['context_write'] }, input: '{{data.text}}', system_prompt: 'File what you are given under /Filed.' };
    system = await startTestSystem({ agents: [filer], env: { OPENAI_API_KEY: 'sk-dashboard', OPENAI_BASE_URL: openai.url } });
    openai.script('*', { toolCalls: [{ name: 'context_write', arguments: { path: '/Filed/note', content: 'call ada@example.com' } }] }, { text: 'Filed under /Filed/note.' });
    ids['task'] = await system.emit(ADMIN, 'task.created', { title: 'Ship the dashboard' });
    ids['note'] = await system.emit(ADMIN, 'note.saved', { text: 'the quarterly numbers are in' });
    ids['file'] = await system.emit(ADMIN, 'file.it', { text: 'call ada@example.com about the invoice' });
    ids['alice'] = await system.emit('alice', 'task.created', { title: "Alice's own task" });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    page.on('console', (message: ConsoleMessage) => { if (message.type() === 'error') problems.push(message.text()); });
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await openai?.close();
  });

  it('signs the admin in, lists the dashboard on /apps, and shows the live feed with every page as a tab', async () => {
    await page.goto(`${system.url}/apps/_signin?next=%2Fapps%2F`);
    await page.fill('form.signin textarea', await system.token(ADMIN, { admin: true }));
    await page.click('form.signin button');
    await page.waitForURL('**/apps/');
    await page.click('.system-link a');
    await page.waitForURL('**/apps/system');
    await page.waitForSelector('body[data-live="open"]');
    expect(await page.locator('nav.tabs a').allTextContents()).toEqual(['Activity', 'Event', 'Plans', 'Agent runs', 'Approvals', 'Drivers and schedules', 'Dead letters', 'Usage']);
    expect(await page.locator('#bar .who').textContent()).toBe('root (admin)');
    await page.locator(`[data-component="feed"] tr[data-event-id="${ids['note']}"]`).waitFor();
    // Live: an event sent now appears without a reload, and another user's never does.
    const live = await system.emit(ADMIN, 'task.created', { title: 'Arrived live' });
    await page.locator(`[data-component="feed"] tr[data-event-id="${live}"]`).waitFor();
    expect(await page.locator(`[data-component="feed"] tr[data-event-id="${ids['alice']}"]`).count()).toBe(0);
    await page.locator('[data-component="events_per_hour"] .chart-summary', { hasText: 'events in 24h' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/system-activity.png`, fullPage: true });
  });

  it('filters the feed by type and status, searches it, and shows an admin another user\'s events', async () => {
    await apply({ type: 'task.*' });
    await expect.poll(async () => [...new Set(await feedTypes())]).toEqual(['task.created']);
    await apply({ q: 'quarterly' });
    await expect.poll(feedTypes).toEqual(['note.saved']);
    await apply({ type: 'file.it', status: 'processed' });
    await expect.poll(feedTypes).toEqual(['file.it']);
    await apply({ user: 'alice' });
    await expect.poll(feedTypes).toEqual(['task.created']);
    expect(await page.locator(`[data-component="feed"] tr[data-event-id="${ids['alice']}"]`).count()).toBe(1);
    // A time range: nothing has happened since tomorrow.
    const tomorrow = new Date(Date.now() + 86_400_000);
    await apply({ since: `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}T00:00` });
    await page.locator('[data-component="feed"] .empty', { hasText: 'No events match.' }).waitFor();
    // Older pages load on demand: 55 events fill a page of 50 and one more of 5.
    const batch = Array.from({ length: 55 }, (_, n) => ({ specversion: '1.0', id: `bulk-${n}`, source: '/tests/dashboard', type: 'bulk.item', data: { n } }));
    expect((await system.request(ADMIN, 'POST', '/api/events', { body: JSON.stringify(batch), headers: { 'content-type': 'application/cloudevents-batch+json' } })).status).toBe(202);
    await apply({ type: 'bulk.*' });
    await expect.poll(async () => (await feedTypes()).length).toBe(50);
    await page.locator('[data-component="feed"] button.more').click();
    await expect.poll(async () => (await feedTypes()).length).toBe(55);
    expect(await page.locator('[data-component="feed"] button.more').isHidden()).toBe(true);
    await apply({});
    await page.locator('[data-component="feed"] tr[data-event-id="bulk-54"]').waitFor();
  });

  it("opens an event's page from the feed: the decision and why, personal data found, drivers run and the chain", async () => {
    await apply({ type: 'file.it' });
    await page.locator(`[data-component="feed"] tr[data-event-id="${ids['file']}"] a.type`).click();
    await page.waitForURL(`**/apps/system#/event/${ids['file']}`);
    const detail = page.locator('[data-component="event_detail"]');
    await detail.locator('.verdict', { hasText: 'Allowed by policy-engine' }).waitFor();
    expect(await detail.locator('li.matched[data-policy="pii-protection"] .action').textContent()).toBe('restrict');
    expect(await detail.locator('ol.policies li').count()).toBeGreaterThan(3);
    expect(await detail.locator('.chips .chip').allTextContents()).toContain('email');
    expect(await detail.locator('tr.driver-run code').allTextContents()).toEqual(['filer']);
    const record = await get<{ children: string[] }>(`/api/events/${ids['file']}`);
    const child = detail.locator(`ul.tree li[data-event-id="${record.children[0]}"]`);
    await child.locator('a.type', { hasText: 'model.request' }).waitFor();
    expect(await detail.locator('.part[data-part="audit"] tr.audit-entry').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/system-event.png`, fullPage: true });
    // The child's page names its parent.
    await child.locator('a.type').first().click();
    await detail.locator('ol.ancestors li', { hasText: 'file.it' }).waitFor();
    expect(await detail.locator('.detail-head .type').textContent()).toBe('model.request');
  });

  it("opens a plan's DAG from the list and sees its steps turn completed live", async () => {
    // The plan waits for an event the test sends when the page shows it waiting: no race with a timer.
    const instruction = 'id: go_ahead\nname: Wait then note\nplan:\n  - { id: wait, action: wait_for_event, events: [{ type: go.ahead }], timeout: 10m }\n  - { id: note, action: emit_event, depends_on: [wait], event: { type: context.write, data: { path: /Notes/go, content: "{{steps.wait.output.data.word}}" } } }\n';
    expect((await system.request(ADMIN, 'POST', '/api/instructions', { body: instruction, headers: YAML })).status).toBeLessThan(300);
    const { plan } = (await (await system.request(ADMIN, 'POST', '/api/instructions/go_ahead/run', { body: {} })).json()) as { plan: string };
    await page.click('nav.tabs a[data-page="plans"]');
    await page.locator(`[data-component="plan_list"] tr[data-plan-id="${plan}"] a`).click();
    await page.waitForURL(`**/apps/system#/plans/${plan}`);
    const graph = page.locator('[data-component="plan_graph"]');
    await graph.locator('button.node[data-node="wait"][data-status="waiting"]').waitFor();
    expect(await graph.locator('button.node[data-node="note"]').getAttribute('data-status')).toBe('pending');
    // Edges are drawn in the frame after the steps (they need the boxes laid out): wait for it.
    await graph.locator('svg.edges path').first().waitFor({ state: 'attached' });
    expect(await graph.locator('svg.edges path').count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/system-plan-waiting.png`, fullPage: true });
    // Now the awaited event: the page turns both steps completed without a reload.
    await system.emit(ADMIN, 'go.ahead', { word: 'onwards' });
    await graph.locator('button.node[data-node="wait"][data-status="completed"]').waitFor();
    await graph.locator('button.node[data-node="note"][data-status="completed"]').waitFor();
    await graph.locator('.plan-head[data-status="completed"]').waitFor();
    await graph.locator('button.node[data-node="note"]').click();
    const panel = graph.locator('.node-panel[data-node="note"]');
    await panel.locator('.part[data-part="input"] pre.json', { hasText: 'onwards' }).waitFor();
    expect(await panel.locator('.part[data-part="input"]').textContent()).toContain('{{steps.wait.output.data.word}}');
    expect(await panel.locator('tr.attempt').count()).toBe(1);
    expect(await panel.locator('.part[data-part="output"] pre.json').textContent()).toContain('"created": true');
    expect(await page.locator(`[data-component="plan_list"] tr.selected[data-plan-id="${plan}"]`).count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/system-plan.png`, fullPage: true });
  });

  it('cancels a running plan, and retries a failed one, from their pages', async () => {
    const start = async (id: string, steps: string) => {
      expect((await system.request(ADMIN, 'POST', '/api/instructions', { body: `id: ${id}\nplan:\n${steps}`, headers: YAML })).status).toBeLessThan(300);
      const { plan } = (await (await system.request(ADMIN, 'POST', `/api/instructions/${id}/run`, { body: {} })).json()) as { plan: string };
      // The plans driver makes the plan when it handles instruction.run: a moment after the answer.
      await until('the plan', async () => ((await system.request(ADMIN, 'GET', `/api/plans/${plan}`)).status === 200 ? true : undefined));
      return plan;
    };
    const graph = page.locator('[data-component="plan_graph"]');
    const long = await start('long_nap', '  - { id: nap, action: sleep, duration: 10m }\n');
    await page.goto(`${system.url}/apps/system#/plans/${long}`);
    await graph.locator('button.node[data-node="nap"][data-status="sleeping"]').waitFor();
    await graph.locator('button.cancel').click();
    await graph.locator('.plan-head[data-status="cancelled"]').waitFor();
    expect(await graph.locator('button.node[data-node="nap"]').getAttribute('data-status')).toBe('cancelled');
    expect(await graph.locator('button.cancel').count()).toBe(0);
    expect((await get<{ plan: { status: string } }>(`/api/plans/${long}`)).plan.status).toBe('cancelled');

    // A wait that gives up after a second fails the plan; Retry runs the step again.
    const impatient = await start('impatient', '  - { id: wait, action: wait_for_event, events: [{ type: retry.go }], timeout: 1s }\n');
    await page.goto(`${system.url}/apps/system#/plans/${impatient}`);
    await graph.locator('.plan-head[data-status="failed"]').waitFor();
    expect(await graph.locator('button.node[data-node="wait"]').getAttribute('data-status')).toBe('failed');
    await graph.locator('button.retry').click();
    await graph.locator('button.node[data-node="wait"][data-status="waiting"]').waitFor();
    await system.emit(ADMIN, 'retry.go', {});
    await graph.locator('.plan-head[data-status="completed"]').waitFor();
    await graph.locator('button.node[data-node="wait"]').click();
    expect(await graph.locator('.node-panel tr.attempt').count()).toBe(2);
  });

  it("approves an agent's tool call from the page and follows the run's timeline", async () => {
    await page.click('nav.tabs a[data-page="approvals"]');
    const approval = page.locator('[data-component="approvals_waiting"] li.approval', { hasText: 'context.write' });
    await approval.waitFor();
    expect(await approval.locator('.reason').textContent()).toBe('filer wants to call context_write');
    await approval.locator('input').fill('looks fine');
    await approval.locator('button.approve').click();
    await page.locator('[data-component="approvals_waiting"] li.approval[data-decided="approved"] .outcome', { hasText: 'approved' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/system-approvals.png`, fullPage: true });

    const answer = await until('the agent\'s answer', async () => (await get<{ events: Array<{ event: { data: { runId: string } } }> }>('/api/events?type=file.it.response')).events[0]);
    const runId = answer.event.data.runId;
    await page.click('nav.tabs a[data-page="agents"]');
    await page.locator(`[data-component="agent_runs"] tr[data-run-id="${runId}"] a`).click();
    await page.waitForURL(`**/apps/system#/agents/${runId}`);
    const run = page.locator('[data-component="agent_runs"] .run-timeline[data-status="completed"]');
    await run.waitFor();
    expect(await run.locator('li.step').count()).toBe(2);
    expect(await run.locator('li.step[data-step="0"] .step-line').textContent()).toContain('gpt-5-nano');
    const call = run.locator('li.tool-call[data-tool="context_write"]');
    expect(await call.getAttribute('data-status')).toBe('done');
    expect(await call.locator('.decision').textContent()).toMatch(/^processed/);
    expect(await call.locator('pre.json').first().textContent()).toContain('/Filed/note');
    expect(await run.locator('pre.json').last().textContent()).toContain('Filed under /Filed/note.');
    await page.screenshot({ path: `${SHOTS}/system-agent-run.png`, fullPage: true });
  });

  it('shows drivers with their counters, schedules with their next fire time, and tokens and cost per model and day as charts', async () => {
    const created = await system.request(ADMIN, 'POST', '/api/schedules', { body: { cron: '0 9 * * MON-FRI', timezone: 'Europe/Oslo', event: { type: 'standup.prepare' } } });
    expect(created.status).toBe(201);
    const { id: schedule, nextFireAt } = (await created.json()) as { id: string; nextFireAt: string };
    await page.click('nav.tabs a[data-page="drivers"]');
    const filer = page.locator('[data-component="drivers_health"] tr[data-driver="filer"]');
    await filer.waitFor();
    expect(Number(await filer.locator('td').nth(3).textContent())).toBeGreaterThan(0);
    expect(await filer.getAttribute('class')).toContain('health-ok');
    expect(await filer.locator('td').nth(7).textContent()).toMatch(/ms$/);
    const row = page.locator('[data-component="schedules"] tr.schedule', { hasText: 'standup.prepare' });
    await row.waitFor();
    expect(await row.textContent()).toContain(new Date(nextFireAt).toLocaleString('en-US'));
    await row.locator('button', { hasText: 'Pause' }).click();
    await row.locator('.status', { hasText: 'paused' }).waitFor();
    expect((await get<{ status: string }>(`/api/schedules/${schedule}`)).status).toBe('paused');
    await page.screenshot({ path: `${SHOTS}/system-drivers.png`, fullPage: true });
    await page.click('nav.tabs a[data-page="usage"]');
    const tokens = page.locator('[data-component="tokens_per_model"]');
    await expect.poll(() => tokens.getAttribute('data-models')).toBe('gpt-5-nano');
    // Two model calls of 100 input and 20 output tokens each (the test server's default usage).
    expect(await tokens.getAttribute('data-total')).toBe('240');
    expect(await tokens.locator('tr.usage-row').count()).toBe(1);
    const drawn = await page.evaluate(() => {
      const browserGlobals = globalThis as unknown as { Chart: { getChart(canvas: unknown): { data: { datasets: unknown[] } } | undefined }; document: { querySelectorAll(selector: string): ArrayLike<unknown> } };
      return Array.from(browserGlobals.document.querySelectorAll('[data-type="usage_chart"] canvas')).map((canvas) => browserGlobals.Chart.getChart(canvas)?.data.datasets.length);
    });
    expect(drawn).toEqual([1, 1]);
    expect(Number(await page.locator('[data-component="cost_per_model"]').getAttribute('data-total'))).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/system-usage.png`, fullPage: true });
  });

  it("lets an admin read another user's views, every tab keeping the user", async () => {
    await page.locator('form.read-as input').fill('alice');
    await page.locator('form.read-as button').click();
    await page.locator('.reading', { hasText: 'Reading as alice' }).waitFor();
    await page.locator('[data-component="tokens_per_model"] .chart-summary', { hasText: 'user alice' }).waitFor();
    expect(await page.locator('[data-component="tokens_per_model"]').getAttribute('data-total')).toBe('0');
    expect(await page.locator('nav.tabs a[data-page="activity"]').getAttribute('href')).toBe('#/activity?user=alice');
    await page.click('nav.tabs a[data-page="activity"]');
    await apply({});
    await page.locator(`[data-component="feed"] tr[data-event-id="${ids['alice']}"]`).waitFor();
    await expect.poll(feedTypes).toEqual(['task.created']);
    expect(await page.locator('form.feed-controls [name="user"]').inputValue()).toBe('alice');
    // Back to one's own: the field emptied, the admin's events again.
    await page.locator('form.read-as input').fill('');
    await page.locator('form.read-as button').click();
    await apply({});
    await page.locator('[data-component="feed"] tr[data-event-id="bulk-54"]').waitFor();
    expect(await page.locator('form.feed-controls [name="user"]').inputValue()).toBe('');
  });

  it('shows a user without the admin role no admin view, and only their own events', async () => {
    const own = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await own.newPage();
    const refused: string[] = [];
    tab.on('console', (message: ConsoleMessage) => {
      // Their probe for root's event is refused (404): the browser logs that; anything else is a problem.
      if (message.type() === 'error' && !/status of 404/.test(message.text())) refused.push(message.text());
    });
    await tab.addInitScript((token: string) => (globalThis as unknown as { sessionStorage: { setItem(key: string, value: string): void } }).sessionStorage.setItem('vextir.token', token), await system.token('alice'));
    await tab.goto(`${system.url}/apps/system`);
    await tab.locator(`[data-component="feed"] tr[data-event-id="${ids['alice']}"]`).waitFor();
    expect(await tab.locator('nav.tabs a').allTextContents()).not.toContain('Dead letters');
    expect(await tab.locator('form.feed-controls [name="user"]').count()).toBe(0);
    expect(await tab.locator('[data-component="feed"] tr.event').count()).toBe(1);
    await tab.screenshot({ path: `${SHOTS}/system-non-admin.png`, fullPage: true });
    await tab.goto(`${system.url}/apps/system#/dead-letters`);
    await tab.locator('main .error', { hasText: 'This page needs the admin role.' }).waitFor();
    expect(await tab.locator('[data-component="dead_letters"]').count()).toBe(0);
    // Another user's event is not there for them, whatever the route says.
    await tab.goto(`${system.url}/apps/system#/event/${ids['note']}?user=${ADMIN}`);
    await tab.locator('[data-component="event_detail"] .error', { hasText: 'No event' }).waitFor();
    expect(refused).toEqual([]);
    await own.close();
  });

  it('logged no script error or CSP violation', () => {
    expect(problems).toEqual([]);
  });
});
