/**
 * A denied request is answered, from the outside: the real embedded system over HTTP. A caller
 * whose event the ACL or a policy refuses gets an `event.denied` child saying why (in
 * GET /api/events/{id} and on /api/stream); an answer that is itself denied gets none.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestSystem, type RecordBody, type TestSystem } from '../helpers/local-system.js';

const probe = resolve('test/fixtures/drivers/probe-driver.js');
let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem({
    drivers: [
      { module: probe, options: { id: 'listener', capabilities: ['event.*'], external: false } },
      { module: probe, options: { id: 'courier', capabilities: ['event.*'], external: true } },
    ],
  });
});
afterAll(() => system.stop());

interface Answer {
  type: string;
  data: Record<string, unknown>;
  causationid?: string;
  correlationid: string;
}

/** The denied request's one child, once processed. */
async function answerTo(user: string, id: string): Promise<{ request: RecordBody; answer: RecordBody; event: Answer }> {
  const request = await system.settled(user, id);
  assert.equal(request.status, 'denied', JSON.stringify(request));
  assert.equal(request.children.length, 1, JSON.stringify(request));
  const answer = await system.settled(user, request.children[0] ?? '');
  return { request, answer, event: answer.event as unknown as Answer };
}

async function putPolicies(user: string, yaml: string): Promise<void> {
  const response = await system.request(user, 'PUT', '/api/policies?scope=user', { body: yaml, headers: { 'content-type': 'application/yaml' } });
  assert.equal(response.status, 200, await response.text());
}

/**
 * The caller's stream, opened now (the server reads its starting point before it answers, so
 * whatever is saved after this resolves is on it); `until` reads until a record matches.
 */
async function openStream(user: string, filter: string) {
  const abort = new AbortController();
  const response = await fetch(`${system.url}/api/stream?filter=${encodeURIComponent(filter)}`, { headers: { authorization: `Bearer ${await system.token(user)}` }, signal: abort.signal });
  assert.equal(response.status, 200);
  const messages = response.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  return {
    async until(match: (record: RecordBody) => boolean, ms = 10_000): Promise<{ status: string; record: RecordBody }> {
      const timer = setTimeout(() => abort.abort(), ms);
      try {
        for await (const message of messages) {
          const record = JSON.parse(message.data) as RecordBody;
          if (match(record)) return { status: message.event ?? '', record };
        }
      } catch (error) {
        if (!abort.signal.aborted) throw error;
      } finally {
        clearTimeout(timer);
        abort.abort();
      }
      throw new Error(`no matching record on the stream within ${ms} ms`);
    },
  };
}

describe('a denied request gets an answer saying why', () => {
  it('context.read of a path the caller may not read: event.denied from the ACL, on the stream too', async () => {
    assert.equal((await system.request('jon', 'PUT', '/api/context/Projects/Shared/doc', { body: { secret: 'plans' } })).status, 201);
    const stream = await openStream('kim', 'event.*');
    const requestId = await system.emit('kim', 'context.read', { path: '/Projects/Shared/doc', owner: 'jon' });
    const streamed = await stream.until((record) => record.event.type === 'event.denied' && record.status !== 'accepted');
    const { request, event } = await answerTo('kim', requestId);
    assert.equal(streamed.record.id, request.children[0]);
    assert.equal((streamed.record.event.data as { eventId?: string }).eventId, requestId);
    assert.equal(event.type, 'event.denied');
    assert.equal(event.causationid, requestId);
    assert.equal(event.correlationid, requestId);
    assert.deepEqual(
      { eventId: event.data['eventId'], eventType: event.data['eventType'], authorizer: event.data['authorizer'], contextPath: event.data['contextPath'] },
      { eventId: requestId, eventType: 'context.read', authorizer: 'acl', contextPath: '/Projects/Shared/doc' },
    );
    assert.match(String(event.data['reason']), /no grant gives user:kim read access to \/Projects\/Shared\/doc of jon/);
    assert.doesNotMatch(JSON.stringify(event), /plans/, 'nothing of the document');
    assert.doesNotMatch(JSON.stringify(event.data), /"owner"/, 'nothing of the request\'s data but the path the decision names');
  });

  it('an event a deny policy matches: event.denied naming the policy and its reason; drivers may learn it', async () => {
    await putPolicies('dan', 'policies:\n  - { id: no-ops, name: No ops, condition: "event.type.startsWith(\'ops.\')", action: deny, config: { reason: "ops is closed" } }\n');
    const id = await system.emit('dan', 'ops.restart', { host: 'db-1', password: 'hunter2hunter2' });
    const { event, answer } = await answerTo('dan', id);
    assert.deepEqual(event.data, { eventId: id, eventType: 'ops.restart', authorizer: 'policy-engine', reason: 'Denied by policy "no-ops": ops is closed', policy: 'no-ops' });
    assert.equal(answer.status, 'processed');
    assert.deepEqual(Object.fromEntries(answer.drivers.map((run) => [run.driver, run.status])), { listener: 'succeeded', courier: 'succeeded' });
  });

  it('an answer about a /Personal path stays inside, like the request would (the default policy)', async () => {
    const { event, answer } = await answerTo('kim', await system.emit('kim', 'context.read', { path: '/Personal/diary', owner: 'jon' }));
    assert.equal(event.data['contextPath'], '/Personal/diary');
    assert.deepEqual(Object.fromEntries(answer.drivers.map((run) => [run.driver, run.status])), { listener: 'succeeded', courier: 'skipped' });
  });

  it('a denied event.denied gets none: answers never answer each other', async () => {
    await putPolicies('eve', 'policies:\n  - { id: quiet, name: Quiet, condition: "event.type == \'ops.stop\' || event.type == \'event.denied\'", action: deny }\n');
    const { answer } = await answerTo('eve', await system.emit('eve', 'ops.stop', {}));
    assert.equal(answer.status, 'denied');
    assert.equal(answer.decision?.['decidedBy'], 'quiet');
    assert.deepEqual(answer.children, [], 'the denied answer is not answered');
    const sent = await system.settled('eve', await system.emit('eve', 'event.denied', { eventId: 'made-up' }));
    assert.equal(sent.status, 'denied');
    assert.deepEqual(sent.children, []);
  });
});
