/**
 * UI applications in the system's Chromium (playwright-core) against the embedded host:
 *
 * (a) first render: from navigation start to every component of the page filled from the API
 *     (`body[data-ready]`, set by the client once each component's first load settled), with
 *     10,000 events in the store, beside the same page over an empty store in the same run;
 * (b) live: the page itself POSTs an event and times, on its own clock, until the event's row is
 *     in the page and the next frame is drawn. Baseline: the POST's own round trip (202).
 *
 * Needs Chromium at /usr/bin/chromium (Debian's `chromium` package): without it this bench fails
 * with that reason rather than report nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLocal, type RunningLocalHost } from '../src/hosts/embedded/index.js';
import { createLogger } from '../src/logging.js';
import { loadOrCreateDevSecret, signDevToken } from '../src/security/index.js';
import { benchHostConfig } from './embedded-config.js';
import { repoRoot } from './modules.js';
import { percentiles, row, type BenchRow } from './stats.js';

const CHROMIUM = '/usr/bin/chromium';
const STORED_EVENTS = 10_000;
const BATCH = 500;
const RENDERS = 7;
const LIVE_EVENTS = 200;
const LIVE_GAP_MS = 25;
/** The pages measured: the seed's task dashboard and the operator's dashboard. */
const PAGES = ['/apps/dashboard/tasks', '/apps/system'] as const;

export async function runUiBench(log: (line: string) => void): Promise<BenchRow[]> {
  if (!existsSync(CHROMIUM)) throw new Error(`the ui bench needs Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'vextir-bench-ui-'));
  const config = benchHostConfig(dataDir, { VEXTIR_MAX_BATCH: String(BATCH) });
  let host: RunningLocalHost | undefined;
  let browser: Browser | undefined;
  try {
    host = await startLocal(config, createLogger(config.log));
    // An admin: the operator's dashboard shows its admin views too.
    const token = await signDevToken(loadOrCreateDevSecret(dataDir), 'bench', { roles: ['admin'] });
    const call = apiCaller(host.url, token);
    const tasks = readFileSync(join(repoRoot(), 'examples/apps/tasks.yaml'), 'utf8');
    await call('POST', '/api/ui-apps', tasks, 'application/yaml');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(`sessionStorage.setItem('vextir.token', ${JSON.stringify(token)})`);
    const page = await context.newPage();

    const empty: Record<string, number[]> = {};
    for (const path of PAGES) {
      log(`ui: (a) first render of ${path}, empty store, ${RENDERS} loads`);
      empty[path] = await firstRenders(page, host.url + path);
    }
    log(`ui: storing ${STORED_EVENTS} task events`);
    await seed(call, host);
    const full: Record<string, number[]> = {};
    for (const path of PAGES) {
      log(`ui: (a) first render of ${path}, ${STORED_EVENTS} events, ${RENDERS} loads`);
      full[path] = await firstRenders(page, host.url + path);
    }

    log(`ui: (b) POST /api/events -> row on the open task dashboard, ${LIVE_EVENTS} events`);
    await page.goto(`${host.url}/apps/dashboard/tasks`);
    await page.waitForSelector('body[data-ready][data-live="open"]');
    const live = await page.evaluate<{ visible: number[]; posted: number[] }>(`(${MEASURE_LIVE})(${JSON.stringify({ count: LIVE_EVENTS, gapMs: LIVE_GAP_MS })})`);
    const visible = percentiles(live.visible);
    const posted = percentiles(live.posted);
    const rows: BenchRow[] = [];
    for (const path of PAGES) {
      const withEvents = percentiles(full[path] ?? []);
      const baseline = percentiles(empty[path] ?? []);
      rows.push(
        row({
          bench: 'ui',
          name: `(a) first render of ${path}, ${STORED_EVENTS.toLocaleString('en-US')} events`,
          value: withEvents.p50,
          unit: 'ms',
          baseline: { name: 'same page, empty store', value: baseline.p50, unit: 'ms' },
          note: `median of ${RENDERS} loads, navigation start to every component filled; max ${withEvents.max.toFixed(0)} ms (empty store: max ${baseline.max.toFixed(0)} ms)`,
        }),
      );
    }
    rows.push(
      row({
        bench: 'ui',
        name: '(b) POST /api/events -> visible on the open page, p50',
        value: visible.p50,
        unit: 'ms',
        baseline: { name: 'the POST alone (202)', value: posted.p50, unit: 'ms' },
        note: `${live.visible.length} of ${LIVE_EVENTS} seen; measured in the page (fetch, then the row inserted and the next frame); ${STORED_EVENTS} events in the store`,
      }),
      row({
        bench: 'ui',
        name: '(b) POST /api/events -> visible on the open page, p99',
        value: visible.p99,
        unit: 'ms',
        baseline: { name: 'the POST alone (202)', value: posted.p99, unit: 'ms' },
        target: { of: 'value', op: '<', threshold: 100 },
        note: `max ${visible.max.toFixed(1)} ms`,
      }),
    );
    if (live.visible.length < LIVE_EVENTS) throw new Error(`only ${live.visible.length} of ${LIVE_EVENTS} events appeared on the page`);
    return rows;
  } finally {
    await browser?.close();
    await host?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

type Call = (method: string, path: string, body?: string, contentType?: string) => Promise<unknown>;

function apiCaller(url: string, token: string): Call {
  return async (method, path, body, contentType = 'application/json') => {
    const response = await fetch(url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, ...(body !== undefined && { body }) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  };
}

/** Navigation start to `body[data-ready]`, on the page's clock; one warm-up load not counted. */
async function firstRenders(page: Page, url: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i <= RENDERS; i += 1) {
    await page.goto(url);
    await page.waitForSelector('body[data-ready]', { timeout: 60_000 });
    const ms = Number(await page.getAttribute('body', 'data-ready'));
    if (i > 0) times.push(ms);
  }
  return times;
}

/** 10,000 task events over the last week (a fifth of them completions with a duration), processed. */
async function seed(call: Call, host: RunningLocalHost): Promise<void> {
  const now = Date.now();
  for (let start = 0; start < STORED_EVENTS; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, STORED_EVENTS - start) }, (_, k) => {
      const n = start + k;
      const completed = n % 5 === 0;
      return {
        specversion: '1.0',
        id: `seed-${n}`,
        source: '/bench/ui',
        type: completed ? 'task.completed' : 'task.created',
        time: new Date(now - ((n * 60_000) % (7 * 86_400_000))).toISOString(),
        data: completed ? { title: `Task ${n}`, duration: 60 + (n % 600) } : { title: `Task ${n}`, description: `created by the ui bench, number ${n}` },
      };
    });
    await call('POST', '/api/events', JSON.stringify(batch), 'application/cloudevents-batch+json');
  }
  const deadline = Date.now() + 120_000;
  while ((await host.system.storage.queue.depth()) > 0) {
    if (Date.now() > deadline) throw new Error('the stored events were not processed within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Runs in the page (plain JavaScript: the bench is compiled without the DOM's types): posts events
 * one at a time and records, per event, the POST's round trip and the time until its row is in
 * the document and the next frame drawn. A MutationObserver notes each row as it is inserted, so
 * a row that arrives before the 202 is not missed.
 */
const MEASURE_LIVE = String.raw`async ({ count, gapMs }) => {
  const token = sessionStorage.getItem('vextir.token') || '';
  const inserted = new Set();
  const waiting = new Map();
  const observer = new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      for (const node of mutation.addedNodes) {
        const id = node instanceof HTMLElement ? node.dataset.eventId : undefined;
        if (id === undefined || inserted.has(id)) continue;
        inserted.add(id);
        const resolve = waiting.get(id);
        if (resolve) resolve();
      }
    }
  });
  observer.observe(document.body, { childList: true, subtree: true });
  const visible = [];
  const posted = [];
  for (let i = 0; i < count; i += 1) {
    const id = 'live-' + i + '-' + Math.random().toString(36).slice(2);
    const shown = new Promise((resolve) => waiting.set(id, resolve));
    const started = performance.now();
    const response = await fetch('/api/events', {
      method: 'POST',
      headers: { authorization: 'Bearer ' + token, 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({ specversion: '1.0', id, source: '/bench/ui', type: 'task.created', data: { title: 'Live ' + i } }),
    });
    posted.push(performance.now() - started);
    if (response.status !== 202) throw new Error('POST answered ' + response.status);
    const timedOut = await Promise.race([shown.then(() => false), new Promise((resolve) => setTimeout(() => resolve(true), 5000))]);
    if (!timedOut) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      visible.push(performance.now() - started);
    }
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  observer.disconnect();
  return { visible, posted };
}`;
