import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { EventView } from '../../src/api/index.js';
import { defineDriver } from '../../src/drivers/index.js';
import { apiFixture, assertProblem, BATCH, cloudEvent, processQueued, send, STRUCTURED, type ApiFixture } from './helpers.js';

const echo = defineDriver({
  manifest: { id: 'echo', name: 'Echo', version: '1.0.0', type: 'tool', capabilities: ['demo.*'] },
  async handle(event) {
    return [{ type: 'echoed.event', data: event.data }];
  },
});

async function post(fixture: ApiFixture, userId: string, events: Array<Record<string, unknown>>): Promise<void> {
  const response = await send(fixture, 'POST', '/api/events', { token: await fixture.token(userId), headers: BATCH, body: JSON.stringify(events) });
  assert.equal(response.status, 202, response.text);
}

describe('GET /api/events/{id}', () => {
  it('shows the caller\'s record with its decision, drivers, children and audit trail', async () => {
    const fixture = apiFixture();
    await post(fixture, 'alice', [cloudEvent()]);
    await processQueued(fixture, [echo]);
    const response = await send(fixture, 'GET', '/api/events/e1', { token: await fixture.token('alice') });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.headers['content-type'], 'application/json');
    const view = response.json() as EventView & { audit: Array<{ status: string }> } & Record<string, unknown>;
    assert.equal(view.id, 'e1');
    assert.equal(view.type, 'demo.ping');
    assert.equal(view.status, 'processed');
    assert.equal(view.attempts, 1);
    assert.equal(view.decision?.authorizer, 'allow-all');
    assert.deepEqual(view.drivers.map((run) => [run.driver, run.status, run.emitted.length]), [['echo', 'succeeded', 1]]);
    assert.equal(view.children.length, 1);
    assert.equal(view.event.userid, 'alice');
    assert.equal(typeof view.receivedAt, 'string');
    assert.equal(typeof view.updatedAt, 'string');
    assert.deepEqual(view.audit.map((entry) => entry.status), ['processed']);
    assert.equal('userId' in view, false);
    assert.equal('digest' in view, false);
    // The child is the caller's too.
    const child = await send(fixture, 'GET', `/api/events/${view.children[0]!}`, { token: await fixture.token('alice') });
    assert.equal(child.status, 200);
  });

  it('answers 404 for another user\'s event and for unknown ids', async () => {
    const fixture = apiFixture();
    await post(fixture, 'alice', [cloudEvent()]);
    assertProblem(await send(fixture, 'GET', '/api/events/e1', { token: await fixture.token('bob') }), 404);
    assertProblem(await send(fixture, 'GET', '/api/events/nope', { token: await fixture.token('alice') }), 404);
  });

  it('answers 400 naming the id when it cannot be an event id', async () => {
    const fixture = apiFixture();
    assertProblem(await send(fixture, 'GET', `/api/events/${'x'.repeat(200)}`, { token: await fixture.token() }), 400, { field: 'id' });
  });
});

describe('GET /api/events', () => {
  async function seeded(): Promise<ApiFixture> {
    const fixture = apiFixture();
    await post(fixture, 'alice', [cloudEvent({ id: 'a1', type: 'demo.one' })]);
    fixture.clock.advance(1000);
    await post(fixture, 'alice', [cloudEvent({ id: 'a2', type: 'task.created' })]);
    fixture.clock.advance(1000);
    await post(fixture, 'alice', [cloudEvent({ id: 'a3', type: 'demo.two' })]);
    await post(fixture, 'bob', [cloudEvent({ id: 'b1', type: 'demo.one' })]);
    return fixture;
  }

  async function ids(fixture: ApiFixture, query: string, userId = 'alice'): Promise<string[]> {
    const response = await send(fixture, 'GET', `/api/events${query}`, { token: await fixture.token(userId) });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.headers['content-type'], 'application/json');
    return (response.json() as { events: EventView[] }).events.map((event) => event.id);
  }

  it('lists only the caller\'s events, newest first', async () => {
    const fixture = await seeded();
    assert.deepEqual(await ids(fixture, ''), ['a3', 'a2', 'a1']);
    assert.deepEqual(await ids(fixture, '', 'bob'), ['b1']);
    assert.deepEqual(await ids(fixture, '', 'carol'), []);
  });

  it('filters by type patterns, since, status and limit', async () => {
    const fixture = await seeded();
    assert.deepEqual(await ids(fixture, '?type=demo.*'), ['a3', 'a1']);
    assert.deepEqual(await ids(fixture, '?type=task.created,demo.two'), ['a3', 'a2']);
    assert.deepEqual(await ids(fixture, '?since=2026-01-01T00:00:01Z'), ['a3', 'a2']);
    assert.deepEqual(await ids(fixture, '?since=2026-01-01T01:00:01%2B01:00'), ['a3', 'a2']);
    assert.deepEqual(await ids(fixture, '?status=accepted&limit=2'), ['a3', 'a2']);
    assert.deepEqual(await ids(fixture, '?status=processed'), []);
  });

  const BAD: Array<[string, string]> = [
    ['?limit=0', 'limit'],
    ['?limit=501', 'limit'],
    ['?limit=ten', 'limit'],
    ['?limit=1.5', 'limit'],
    ['?since=yesterday', 'since'],
    ['?status=done', 'status'],
    ['?type=demo..x', 'type'],
    ['?type=demo.*.x', 'type'],
    ['?types=demo.*', 'types'],
    ['?limit=1&limit=2', 'limit'],
    ['?__proto__=x', '__proto__'],
    ['?constructor=x', 'constructor'],
  ];
  for (const [query, field] of BAD) {
    it(`answers 400 naming "${field}" for ${query}`, async () => {
      const fixture = apiFixture();
      assertProblem(await send(fixture, 'GET', `/api/events${query}`, { token: await fixture.token() }), 400, { field });
    });
  }

  it('accepts a structured event and then shows it', async () => {
    const fixture = apiFixture();
    const token = await fixture.token();
    await send(fixture, 'POST', '/api/events', { token, headers: STRUCTURED, body: JSON.stringify(cloudEvent({ id: 'one' })) });
    assert.deepEqual(await ids(fixture, '?limit=500'), ['one']);
  });
});
