import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { CloudEvent, HTTP } from 'cloudevents';
import { apiFixture, assertNothingStored, assertProblem, BATCH, cloudEvent, PLAIN, send, STRUCTURED, type ApiFixture } from './helpers.js';

async function stored(fixture: ApiFixture, id: string, userId = 'alice') {
  const record = await fixture.store.get(userId, id);
  assert.ok(record, `event ${id} should be stored`);
  return record;
}

describe('POST /api/events', () => {
  it('accepts a structured CloudEvent and stores it for the token user', async () => {
    const fixture = apiFixture();
    const token = await fixture.token('alice');
    const response = await send(fixture, 'POST', '/api/events', { token, headers: STRUCTURED, body: JSON.stringify(cloudEvent({ time: '2026-02-03T04:05:06+01:00', subject: 's' })) });
    assert.equal(response.status, 202);
    assert.equal(response.headers['content-type'], 'application/json');
    assert.equal(response.text, '{"ids":["e1"]}');
    const record = await stored(fixture, 'e1');
    assert.equal(record.status, 'accepted');
    assert.deepEqual(record.event, {
      specversion: '1.0',
      id: 'e1',
      type: 'demo.ping',
      source: '/test',
      time: '2026-02-03T04:05:06+01:00',
      subject: 's',
      data: { n: 1 },
      userid: 'alice',
      category: 'input',
      correlationid: 'e1',
      depth: 0,
    });
    assert.equal(await fixture.queue.depth(), 1);
  });

  it('accepts a structured event built with the cloudevents SDK (charset parameter included)', async () => {
    const fixture = apiFixture();
    const event = new CloudEvent({ id: 'sdk-1', type: 'demo.sdk', source: '/sdk', data: { hello: 'world' }, subject: 'x' });
    const message = HTTP.structured(event);
    assert.match(String(message.headers['content-type']), /charset=utf-8/);
    const response = await send(fixture, 'POST', '/api/events', { token: await fixture.token(), headers: stringHeaders(message.headers), body: String(message.body) });
    assert.equal(response.status, 202, response.text);
    const record = await stored(fixture, 'sdk-1');
    assert.equal(record.event.time, event.time);
    assert.deepEqual(record.event.data, { hello: 'world' });
    assert.equal(record.event.userid, 'alice');
  });

  it('accepts a binary-mode event built with the cloudevents SDK: the JSON body is the data', async () => {
    const fixture = apiFixture();
    const event = new CloudEvent({ id: 'bin-1', type: 'demo.binary', source: '/sdk', data: { a: [1, 2] }, correlationid: 'root-1' });
    const message = HTTP.binary(event);
    const response = await send(fixture, 'POST', '/api/events', { token: await fixture.token(), headers: stringHeaders(message.headers), body: String(message.body) });
    assert.equal(response.status, 202, response.text);
    assert.equal(response.text, '{"ids":["bin-1"]}');
    const record = await stored(fixture, 'bin-1');
    assert.deepEqual(record.event.data, { a: [1, 2] });
    assert.equal(record.event.correlationid, 'root-1');
    assert.equal(record.event.datacontenttype, 'application/json; charset=utf-8');
  });

  it('stores a text/* binary body as a string and percent-decodes header values', async () => {
    const fixture = apiFixture();
    const headers = { 'ce-specversion': '1.0', 'ce-id': 't1', 'ce-type': 'note.created', 'ce-source': '/notes/a%20b', 'content-type': 'text/plain; charset=utf-8' };
    const response = await send(fixture, 'POST', '/api/events', { token: await fixture.token(), headers, body: 'héllo\nworld' });
    assert.equal(response.status, 202, response.text);
    const record = await stored(fixture, 't1');
    assert.equal(record.event.data, 'héllo\nworld');
    assert.equal(record.event.source, '/notes/a b');
  });

  it('accepts a binary event without a body', async () => {
    const fixture = apiFixture();
    const headers = { 'ce-specversion': '1.0', 'ce-id': 'nb', 'ce-type': 'demo.tick', 'ce-source': '/t' };
    const response = await send(fixture, 'POST', '/api/events', { token: await fixture.token(), headers });
    assert.equal(response.status, 202, response.text);
    assert.equal((await stored(fixture, 'nb')).event.data, undefined);
  });

  it('accepts a batch and answers with every id in order', async () => {
    const fixture = apiFixture();
    const batch = [cloudEvent({ id: 'b1' }), cloudEvent({ id: 'b2', type: 'demo.other' }), cloudEvent({ id: 'b3', data: 'text' })];
    const response = await send(fixture, 'POST', '/api/events', { token: await fixture.token(), headers: BATCH, body: JSON.stringify(batch) });
    assert.equal(response.status, 202, response.text);
    assert.deepEqual(response.json(), { ids: ['b1', 'b2', 'b3'] });
    assert.equal(await fixture.queue.depth(), 3);
    assert.equal((await stored(fixture, 'b3')).event.data, 'text');
  });

  it('accepts an empty batch', async () => {
    const fixture = apiFixture();
    const response = await send(fixture, 'POST', '/api/events', { token: await fixture.token(), headers: BATCH, body: '[]' });
    assert.equal(response.status, 202);
    assert.equal(response.text, '{"ids":[]}');
  });

  it('accepts plain JSON and fills in id, source, time and correlation', async () => {
    const fixture = apiFixture();
    const response = await send(fixture, 'POST', '/api/events', {
      token: await fixture.token('bob'),
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      body: JSON.stringify({ type: 'demo.plain', data: { x: 1 } }),
    });
    assert.equal(response.status, 202, response.text);
    const { ids } = response.json() as { ids: string[] };
    assert.equal(ids.length, 1);
    assert.match(ids[0]!, /^evt_[0-9a-f]{32}$/);
    const record = await stored(fixture, ids[0]!, 'bob');
    assert.deepEqual(record.event, {
      specversion: '1.0',
      id: ids[0],
      type: 'demo.plain',
      source: '/http/ingest',
      time: fixture.clock.now().toISOString(),
      data: { x: 1 },
      userid: 'bob',
      category: 'input',
      correlationid: ids[0],
      depth: 0,
    });
  });

  it('keeps the optional plain JSON attributes it was given', async () => {
    const fixture = apiFixture();
    const body = { type: 'demo.plain', id: 'p1', source: '/cli', subject: 'sub', time: '2026-01-01T00:00:00Z', datacontenttype: 'application/json', correlationid: 'root', category: 'input' };
    const response = await send(fixture, 'POST', '/api/events', { token: await fixture.token(), headers: PLAIN, body: JSON.stringify(body) });
    assert.equal(response.status, 202, response.text);
    const { event } = await stored(fixture, 'p1');
    assert.deepEqual(event, { specversion: '1.0', id: 'p1', type: 'demo.plain', source: '/cli', subject: 'sub', time: '2026-01-01T00:00:00Z', datacontenttype: 'application/json', correlationid: 'root', category: 'input', userid: 'alice', depth: 0 });
  });

  it('acknowledges an identical re-send as a duplicate without queueing it twice', async () => {
    const fixture = apiFixture();
    const token = await fixture.token();
    const body = JSON.stringify(cloudEvent());
    assert.equal((await send(fixture, 'POST', '/api/events', { token, headers: STRUCTURED, body })).status, 202);
    const again = await send(fixture, 'POST', '/api/events', { token, headers: STRUCTURED, body });
    assert.equal(again.status, 202);
    assert.equal(again.text, '{"ids":["e1"],"duplicates":["e1"]}');
    assert.equal((await fixture.store.list('alice', { limit: 10 })).length, 1);
    assert.equal(await fixture.queue.depth(), 1);
    const metrics = (await fixture.metrics.render()).body;
    assert.match(metrics, /vextir_events_ingested_total\{type="demo.ping"\} 1\n/);
  });

  it('refuses to reuse an id for different content with 409 and keeps the original', async () => {
    const fixture = apiFixture();
    const token = await fixture.token();
    await send(fixture, 'POST', '/api/events', { token, headers: STRUCTURED, body: JSON.stringify(cloudEvent()) });
    const reused = await send(fixture, 'POST', '/api/events', { token, headers: STRUCTURED, body: JSON.stringify(cloudEvent({ data: { n: 2 } })) });
    assertProblem(reused, 409);
    assert.deepEqual((await stored(fixture, 'e1')).event.data, { n: 1 });
  });

  it('queues nothing from a batch when one of its ids conflicts', async () => {
    const fixture = apiFixture();
    const token = await fixture.token();
    await send(fixture, 'POST', '/api/events', { token, headers: STRUCTURED, body: JSON.stringify(cloudEvent()) });
    const batch = [cloudEvent({ id: 'fresh' }), cloudEvent({ data: 'changed' })];
    assertProblem(await send(fixture, 'POST', '/api/events', { token, headers: BATCH, body: JSON.stringify(batch) }), 409);
    assert.equal(await fixture.store.get('alice', 'fresh'), undefined);
    assert.equal(await fixture.queue.depth(), 1);
  });

  it('lets two users use the same event id independently', async () => {
    const fixture = apiFixture();
    const body = JSON.stringify(cloudEvent());
    assert.equal((await send(fixture, 'POST', '/api/events', { token: await fixture.token('alice'), headers: STRUCTURED, body })).status, 202);
    const bob = await send(fixture, 'POST', '/api/events', { token: await fixture.token('bob'), headers: STRUCTURED, body: JSON.stringify(cloudEvent({ data: 'other' })) });
    assert.equal(bob.status, 202, bob.text);
    assert.equal((await stored(fixture, 'e1', 'bob')).event.data, 'other');
  });

  it('counts each accepted event by type', async () => {
    const fixture = apiFixture();
    const batch = [cloudEvent({ id: 'm1' }), cloudEvent({ id: 'm2' }), cloudEvent({ id: 'm3', type: 'demo.pong' })];
    await send(fixture, 'POST', '/api/events', { token: await fixture.token(), headers: BATCH, body: JSON.stringify(batch) });
    const metrics = (await fixture.metrics.render()).body;
    assert.match(metrics, /vextir_events_ingested_total\{type="demo.ping"\} 2\n/);
    assert.match(metrics, /vextir_events_ingested_total\{type="demo.pong"\} 1\n/);
  });

  it('needs authentication before anything else', async () => {
    const fixture = apiFixture();
    assertProblem(await send(fixture, 'POST', '/api/events', { headers: STRUCTURED, body: JSON.stringify(cloudEvent()) }), 401);
    await assertNothingStored(fixture);
  });
});

/** The SDK's headers are `Record<string, unknown>`; HTTP header values are strings. */
function stringHeaders(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));
}
