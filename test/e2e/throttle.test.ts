/**
 * Flow control from the outside: the embedded host over HTTP, with a clock the test moves on
 * (a minute is a long time to wait in a test). A throttle rule of a small threshold (more than 5
 * events a minute, root events only) stands in for the default 600; the worker takes one event
 * at a time, so each authorization sees the events counted before it.
 *
 * A burst past the limit ends with every event processed, none denied: those over the limit wait
 * for the next minute, are throttled again while that minute still counts the burst (the usage
 * is a sliding window), and run the minute after, each exactly once. Past a small bound of
 * delayed events, POST /api/events answers 429 with Retry-After until they have run.
 *
 * And under the default policies, with the real clock: a fan-out of a thousand internal events
 * (a plan's steps) is neither throttled nor denied; they count in the usage, so what the user
 * sends next waits for the next minute.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DEFAULT_POLICIES } from '../../src/security/index.js';
import { TestClock } from '../helpers/kernel-fixture.js';
import { startTestSystem, type RecordBody, type TestSystem } from '../helpers/local-system.js';

const LIMIT = 5;
const BURST = 12;
const MAX_DELAYED = 4;
const START = new Date('2026-03-02T10:00:10.000Z');
const minute = (n: number) => new Date('2026-03-02T10:00:00.000Z').getTime() + n * 60_000;

type ThrottledRecord = RecordBody & { throttle?: { count: number; runAt: string; policy: string; window: string } };

const clock = new TestClock(START);
let system: TestSystem;

beforeAll(async () => {
  const burstLimit = {
    id: 'burst-limit',
    name: 'Burst limit',
    condition: `event.depth == 0 && usage.events_per_minute > ${LIMIT}`,
    action: 'throttle',
    config: { window: 'minute', reason: `more than ${LIMIT} events a minute` },
    priority: 1300,
  };
  system = await startTestSystem({
    clock,
    drivers: [{ module: resolve('test/fixtures/drivers/probe-driver.js'), options: { id: 'probe', capabilities: ['burst.*'], external: false } }],
    globalPolicies: [...DEFAULT_POLICIES.filter((policy) => !policy.id.startsWith('rate-limit')), burstLimit],
    env: { VEXTIR_WORKER_CONCURRENCY: '1', VEXTIR_MAX_DELAYED_EVENTS: String(MAX_DELAYED) },
  });
});
afterAll(() => system.stop());

/** One request with the whole burst (a batch), as a client flushing its buffer would send it. */
async function burst(user: string): Promise<string[]> {
  const events = Array.from({ length: BURST }, (_, i) => ({ specversion: '1.0', id: `${user}-${i}`, source: '/test/burst', type: 'burst.item', data: { i } }));
  const response = await system.request(user, 'POST', '/api/events', { body: JSON.stringify(events), headers: { 'content-type': 'application/cloudevents-batch+json' } });
  assert.equal(response.status, 202, await response.clone().text());
  return ((await response.json()) as { ids: string[] }).ids;
}

async function records(user: string, ids: readonly string[], done: (record: ThrottledRecord) => boolean): Promise<ThrottledRecord[]> {
  const settled: ThrottledRecord[] = [];
  for (const id of ids) settled.push(await system.settled(user, id, done));
  return settled;
}

const isProcessedOrThrottled = (record: ThrottledRecord) => record.status === 'processed' || record.status === 'throttled';

/**
 * The burst's first minute, settled: the events processed or throttled, and the answers of those
 * processed (internal events: never throttled, but counted in the usage of the minute they ran
 * in, so they must have run before the clock moves on for the counts to be what they are).
 */
async function firstMinute(user: string, ids: readonly string[]): Promise<ThrottledRecord[]> {
  const settled = await records(user, ids, isProcessedOrThrottled);
  await records(user, settled.flatMap((record) => record.children), (record) => record.status === 'processed');
  return settled;
}

/** Moves the clock to `at`; the worker finds the messages now due within its idle wait. */
function moveTo(at: number): void {
  clock.advance(at - clock.now().getTime());
}

describe('a burst past a rate limit (throttle)', () => {
  const ann: string[] = [];
  const bo: string[] = [];

  it('refuses more with 429 and Retry-After once the delayed events pass the bound', async () => {
    bo.push(...(await burst('bo')));
    const first = await firstMinute('bo', bo);
    assert.equal(first.filter((record) => record.status === 'throttled').length, BURST - (LIMIT + 1));

    const refused = await system.request('bo', 'POST', '/api/events', { body: { type: 'burst.item', id: 'bo-late' } });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('content-type'), 'application/problem+json');
    assert.equal(refused.headers.get('retry-after'), String((minute(1) - START.getTime()) / 1000), 'when the waiting events are due');
    const problem = (await refused.json()) as { type: string; detail: string };
    assert.equal(problem.type, 'urn:vextir:problem:rate_limited');
    assert.match(problem.detail, /^6 of your events are waiting for a rate limit .*at most 4 may wait/);
    assert.equal((await system.request('bo', 'GET', '/api/events/bo-late')).status, 404, 'not accepted');
    assert.equal((await system.request('cy', 'POST', '/api/events', { body: { type: 'other.thing' } })).status, 202, 'another user is not held back');
  });

  it('ends with every event processed, none denied, each exactly once; those over the limit after a delay', async () => {
    ann.push(...(await burst('ann')));
    const first = await firstMinute('ann', ann);
    const waiting = first.filter((record) => record.status === 'throttled');
    assert.deepEqual(first.filter((record) => record.status === 'processed').map((record) => record.id), ann.slice(0, LIMIT + 1), 'the first six are in');
    assert.equal(waiting.length, BURST - (LIMIT + 1));
    for (const record of waiting) {
      assert.equal(record.decision?.['verdict'], 'throttle');
      assert.deepEqual([record.throttle?.policy, record.throttle?.window, record.throttle?.count], ['burst-limit', 'minute', 1]);
      const runAt = Date.parse(record.throttle?.runAt ?? '');
      assert.ok(runAt >= minute(1) && runAt < minute(1) + 3000, `${record.id} runs at the start of the next minute (${record.throttle?.runAt})`);
    }
    const shown = (await (await system.request('ann', 'GET', `/api/events?status=throttled`)).json()) as { events: ThrottledRecord[] };
    assert.equal(shown.events.length, waiting.length, 'listed as throttled');

    // The next minute: the sliding window still counts the burst's minute in full at its start.
    moveTo(minute(1) + 3000);
    const second = await records('ann', waiting.map((record) => record.id), (record) => record.throttle?.count === 2 || record.status !== 'throttled');
    assert.ok(second.every((record) => record.status === 'throttled' && record.throttle?.count === 2), 'throttled again while still over');

    // The minute after: the burst's minute is out of the window; they run.
    moveTo(minute(2) + 3000);
    const done = await records('ann', ann, (record) => record.status !== 'throttled' && record.status !== 'accepted');
    assert.deepEqual(done.map((record) => record.status), ann.map(() => 'processed'), 'every event processed, none denied');
    for (const record of done) {
      assert.deepEqual(record.drivers.map((run) => `${run.driver}:${run.status}`), ['probe:succeeded'], `${record.id} ran once`);
      assert.equal(record.children.length, 1, `${record.id} answered once`);
    }
    assert.deepEqual(done.filter((record) => record.throttle !== undefined).map((record) => [record.id, record.throttle?.count]), ann.slice(LIMIT + 1).map((id) => [id, 2]));
    // The answers are recorded with their parents; on a busy machine the list may trail the last commit briefly.
    let answers: { events: Array<{ event: { causationid: string } }> } = { events: [] };
    for (let i = 0; i < 100 && answers.events.length < ann.length; i += 1) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      answers = (await (await system.request('ann', 'GET', '/api/events?type=probe.saw&limit=100')).json()) as typeof answers;
    }
    assert.deepEqual(answers.events.map((answer) => answer.event.causationid).sort(), [...ann].sort(), 'one answer per event, no more');
  });

  it('accepts again once the delayed events have run', async () => {
    await records('bo', bo, (record) => record.status === 'processed');
    assert.equal((await system.request('bo', 'POST', '/api/events', { body: { type: 'burst.item', id: 'bo-late' } })).status, 202);
  });
});

describe('the default rate limits and a thousand-step fan-out', () => {
  it('hold back no internal event, and do not count them: the next event from outside runs at once', async () => {
    const defaults = await startTestSystem({
      drivers: [{ module: resolve('test/fixtures/drivers/fanout-driver.js'), options: { id: 'planner', from: 'plan.run', to: 'plan.step', count: 1000 } }],
    });
    try {
      const plan = await defaults.settled('dee', await defaults.emit('dee', 'plan.run'), (record) => record.status !== 'accepted');
      assert.equal(plan.status, 'processed');
      assert.equal(plan.children.length, 1000);
      const steps = await Promise.all(plan.children.map((id) => defaults.settled('dee', id, (record) => record.status !== 'accepted')));
      assert.deepEqual([...new Set(steps.map((step) => step.status))], ['processed'], 'none throttled or denied');

      // Rates count what enters the system: 1,000 internal steps leave the user well under 600 a minute.
      const next = (await defaults.settled('dee', await defaults.emit('dee', 'plan.run'), (record) => record.status !== 'accepted')) as ThrottledRecord;
      assert.equal(next.status, 'processed', 'a new root event runs at once');
      const usage = (await (await defaults.request('dee', 'GET', '/api/usage')).json()) as { usage: { events_per_minute: number } };
      assert.ok(usage.usage.events_per_minute <= 2, `counted ${usage.usage.events_per_minute} events this minute: the two roots`);
    } finally {
      await defaults.stop();
    }
  });
});
