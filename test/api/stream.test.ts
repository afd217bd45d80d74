import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { EventView } from '../../src/api/index.js';
import { apiFixture, apiRequest, assertProblem, cloudEvent, send, STRUCTURED, toSent, type ApiFixture } from './helpers.js';

interface SseMessage {
  id: string | undefined;
  event: string | undefined;
  data: EventView;
}

/** An open SSE connection read chunk by chunk, with a deadline so a broken stream fails the test instead of hanging it. */
async function connect(fixture: ApiFixture, path = '/api/stream', headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const response = await fixture.api.handle(apiRequest('GET', path, { headers: { authorization: `Bearer ${await fixture.token()}`, ...headers }, signal: abort.signal }));
  assert.ok('stream' in response, `expected a stream, got ${response.status}`);
  const chunks = response.stream[Symbol.asyncIterator]();
  async function nextChunk(timeoutMs = 2000): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no SSE chunk in time')), timeoutMs);
    });
    try {
      const next = await Promise.race([chunks.next(), deadline]);
      return next.done ? undefined : next.value;
    } finally {
      clearTimeout(timer);
    }
  }
  // A chunk may hold several messages (the server writes a page at once): split on blank lines.
  const pending: string[] = [];
  async function nextMessage(): Promise<SseMessage> {
    for (;;) {
      const message = pending.shift();
      if (message !== undefined) {
        if (!message.startsWith(':')) return parse(`${message}\n\n`);
        continue;
      }
      const chunk = await nextChunk();
      assert.ok(chunk !== undefined, 'the stream ended before a message');
      assert.ok(chunk.endsWith('\n\n'), 'a chunk ends at a message boundary');
      pending.push(...chunk.slice(0, -2).split('\n\n'));
    }
  }
  return { response, abort, nextChunk, nextMessage };
}

function parse(chunk: string): SseMessage {
  assert.ok(chunk.endsWith('\n\n'), 'an SSE message ends with a blank line');
  const fields = new Map(chunk.trimEnd().split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
  return { id: fields.get('id'), event: fields.get('event'), data: JSON.parse(fields.get('data') ?? 'null') as EventView };
}

async function post(fixture: ApiFixture, event: Record<string, unknown>, userId = 'alice'): Promise<void> {
  const response = await send(fixture, 'POST', '/api/events', { token: await fixture.token(userId), headers: STRUCTURED, body: JSON.stringify(event) });
  assert.equal(response.status, 202, response.text);
}

describe('GET /api/stream', () => {
  it('streams a record saved after connecting, as an SSE message', async () => {
    const fixture = apiFixture();
    const stream = await connect(fixture);
    assert.equal(stream.response.status, 200);
    assert.equal(stream.response.headers['content-type'], 'text/event-stream');
    assert.equal(stream.response.headers['cache-control'], 'no-cache');
    await post(fixture, cloudEvent({ id: 'live-1' }));
    const message = await stream.nextMessage();
    assert.equal(message.event, 'accepted');
    assert.ok(message.id);
    assert.equal(message.data.id, 'live-1');
    assert.equal(message.data.event.userid, 'alice');
    stream.abort.abort();
  });

  it('does not replay what was saved before connecting, nor other users\' records', async () => {
    const fixture = apiFixture();
    await post(fixture, cloudEvent({ id: 'before' }));
    const stream = await connect(fixture);
    await post(fixture, cloudEvent({ id: 'bobs' }), 'bob');
    await post(fixture, cloudEvent({ id: 'after' }));
    assert.equal((await stream.nextMessage()).data.id, 'after');
    stream.abort.abort();
  });

  it('resumes after Last-Event-ID with what was saved while disconnected', async () => {
    const fixture = apiFixture();
    const first = await connect(fixture);
    await post(fixture, cloudEvent({ id: 'r1' }));
    const seen = await first.nextMessage();
    assert.equal(seen.data.id, 'r1');
    first.abort.abort();
    await post(fixture, cloudEvent({ id: 'r2' }));
    await post(fixture, cloudEvent({ id: 'r3' }));
    const resumed = await connect(fixture, '/api/stream', { 'last-event-id': seen.id ?? '' });
    assert.equal((await resumed.nextMessage()).data.id, 'r2');
    assert.equal((await resumed.nextMessage()).data.id, 'r3');
    resumed.abort.abort();
  });

  it("reads the store again when its own user's records change, not when another user's do", async () => {
    // The poll is a minute away: only a wake-up can make the stream read before the test ends.
    const fixture = apiFixture({ limits: { streamPollMs: 60_000 } });
    const { store } = fixture;
    const changes = store.changes.bind(store);
    let reads = 0;
    store.changes = (...args) => {
      reads += 1;
      return changes(...args);
    };
    const stream = await connect(fixture);
    assert.equal(await stream.nextChunk(), ': connected\n\n');
    const next = stream.nextChunk(5000); // the stream now waits for alice's changes
    await post(fixture, cloudEvent({ id: 'bobs' }), 'bob');
    const readsBefore = reads;
    fixture.changes.notify(['bob']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(reads, readsBefore, "bob's change did not make alice's stream read");
    await post(fixture, cloudEvent({ id: 'alices' }));
    fixture.changes.notify(['alice']);
    const chunk = await next;
    assert.equal(reads, readsBefore + 1, "alice's change made it read, once");
    assert.match(chunk ?? '', /"id":"alices"/);
    assert.doesNotMatch(chunk ?? '', /"id":"bobs"/);
    stream.abort.abort();
  });

  it('only sends types matching the filter', async () => {
    const fixture = apiFixture();
    const stream = await connect(fixture, '/api/stream?filter=task.*,plan.*');
    await post(fixture, cloudEvent({ id: 'skip', type: 'demo.ping' }));
    await post(fixture, cloudEvent({ id: 'keep', type: 'task.created' }));
    assert.equal((await stream.nextMessage()).data.id, 'keep');
    stream.abort.abort();
  });

  it('sends a heartbeat comment when idle and ends when the client goes away', async () => {
    const fixture = apiFixture({ limits: { streamHeartbeatMs: 5000 } });
    const stream = await connect(fixture);
    assert.equal(await stream.nextChunk(), ': connected\n\n');
    fixture.clock.advance(5000);
    assert.equal(await stream.nextChunk(), ': heartbeat\n\n');
    stream.abort.abort();
    assert.equal(await stream.nextChunk(), undefined);
  });

  it('rejects a bad filter or cursor naming it, and needs a token', async () => {
    const fixture = apiFixture();
    const token = await fixture.token();
    assertProblem(await send(fixture, 'GET', '/api/stream?filter=task..x', { token }), 400, { field: 'filter' });
    assertProblem(await send(fixture, 'GET', '/api/stream', { token, headers: { 'last-event-id': 'a b' } }), 400, { field: 'last-event-id' });
    assertProblem(toSent(await fixture.api.handle(apiRequest('GET', '/api/stream'))), 401);
  });
});
