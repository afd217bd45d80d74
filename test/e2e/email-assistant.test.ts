/**
 * The seed's email assistant end to end, over HTTP on the embedded host, with OpenAI served by
 * the loopback model server (its wire format; what it answers is scripted): `email.received` ->
 * the agent -> a model request -> a tool call that passes the policy engine -> the Context Hub
 * written -> `meeting.schedule` -> the classification as `email.processed`. Every step is an
 * event the audit trail records; the mail's address reaches the model redacted (the default
 * pii-protection policy); a `restrict` policy changes the model; a budget that runs out mid-run
 * stops the run with a clear error.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { startTestSystem, type RecordBody, type TestSystem } from '../helpers/local-system.js';
import { startOpenAiServer, type ModelServer } from '../helpers/model-servers/index.js';

let openai: ModelServer;
let system: TestSystem;

beforeAll(async () => {
  openai = await startOpenAiServer();
  system = await startTestSystem({ env: { OPENAI_API_KEY: 'sk-e2e', OPENAI_BASE_URL: openai.url } });
});
afterAll(async () => {
  await system.stop();
  await openai.close();
});
beforeEach(() => openai.reset());

const mail = {
  from: 'Bob Builder <bob.builder@example.com>',
  to: 'me@example.org',
  subject: 'Lunch next week?',
  body: 'Hi, could we meet for lunch on Tuesday 2026-12-08 at 12:30 to talk about the Alpha contract? Call me on +44 20 7946 0958.',
  receivedAt: '2026-12-03T09:00:00Z',
  messageId: 'm-1',
};

const classification = { category: 'meeting_request', priority: 'normal', summary: 'Bob asks to meet for lunch on Tuesday about the Alpha contract.', meeting_requested: true, path: '/Email/2026-12-03/lunch-next-week' };

function scriptEmailRun(): void {
  openai.script(
    '*',
    {
      toolCalls: [
        {
          name: 'context_write',
          arguments: { path: '/Email/2026-12-03/lunch-next-week', content: { subject: mail.subject, summary: classification.summary, category: 'meeting_request' }, metadata: { category: 'meeting_request', priority: 'normal' } },
        },
      ],
    },
    { toolCalls: [{ name: 'emit_event', arguments: { type: 'meeting.schedule', data: { title: 'Lunch: Alpha contract', proposedTimes: ['2026-12-08T12:30:00Z'], sourceMessageId: 'm-1' } } }] },
    { json: classification },
  );
}

/** Follows children breadth first from `id` until a record of `type` appears. */
async function find(user: string, id: string, type: string): Promise<RecordBody> {
  const queue = [id];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    const record = await system.settled(user, next);
    if (record.event.type === type) return record;
    queue.push(...record.children);
  }
  throw new Error(`no ${type} after ${id}`);
}

/** Waits until an event of `type` (from the agent) is in the user's history. */
async function awaitType(user: string, type: string): Promise<RecordBody> {
  for (let i = 0; i < 400; i += 1) {
    const { events } = (await (await system.request(user, 'GET', `/api/events?type=${encodeURIComponent(type)}&limit=5`)).json()) as { events: RecordBody[] };
    if (events[0]) return system.settled(user, events[0].id);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no ${type} event for ${user}`);
}

describe('the email assistant', () => {
  it('summarizes into the Context Hub, asks for the meeting, answers with the classification; every step is an audited event', async () => {
    scriptEmailRun();
    const trigger = await system.emit('alice', 'email.received', mail);
    const processed = await awaitType('alice', 'email.processed');
    const data = processed.event.data as { runId: string; output: unknown; usage: { steps: number; models: string[] } };
    assert.deepEqual(data.output, classification);
    assert.equal(data.usage.steps, 3);

    // A JSON document is served as itself.
    const document = (await (await system.request('alice', 'GET', '/api/context/Email/2026-12-03/lunch-next-week')).json()) as { category: string };
    assert.equal(document.category, 'meeting_request');
    const meeting = await find('alice', trigger, 'meeting.schedule');
    assert.deepEqual((meeting.event.data as { title: string }).title, 'Lunch: Alpha contract');

    // The run, step by step, with the policy engine's decision on each event it emitted.
    const run = (await (await system.request('alice', 'GET', `/api/agents/runs/${data.runId}`)).json()) as {
      status: string;
      steps: Array<{ model: string; usage: { inputTokens: number }; record: { status: string; decision: { allowed: boolean } }; toolCalls: Array<{ name: string; status: string; record: { status: string; decision: { allowed: boolean; authorizer: string } } }> }>;
    };
    assert.equal(run.status, 'completed');
    assert.deepEqual(run.steps.map((step) => step.toolCalls.map((call) => `${call.name}:${call.status}:${call.record.decision.allowed}`)), [['context_write:done:true'], ['emit_event:done:true'], []]);
    assert.ok(run.steps.every((step) => step.record.status === 'processed' && step.record.decision.allowed && step.usage.inputTokens > 0));

    // The audit trail has a decision for each model request and each tool call.
    const { entries } = (await (await system.request('alice', 'GET', '/api/audit?limit=500')).json()) as { entries: Array<{ kind: string; eventType?: string; action?: string; decision?: { allowed: boolean } }> };
    const audited = entries.filter((entry) => entry.kind === 'event').map((entry) => entry.eventType ?? entry.action);
    for (const type of ['email.received', 'model.request', 'context.write', 'meeting.schedule', 'email.processed']) assert.ok(audited.includes(type), `${type} audited (${audited.join(', ')})`);
  });

  it('sends the mail to the model with the personal data redacted (the default pii-protection policy)', async () => {
    scriptEmailRun();
    await system.emit('bea', 'email.received', mail);
    await awaitType('bea', 'email.processed');
    const sent = JSON.stringify(openai.requests[0]?.body.messages);
    assert.doesNotMatch(sent, /bob\.builder@example\.com/);
    assert.doesNotMatch(sent, /7946/);
    assert.match(sent, /REDACTED:email/);
    assert.match(sent, /Lunch next week/, 'the rest of the mail arrives');
  });

  it('a restrict policy changes which model the agent gets', async () => {
    const policies = { policies: [{ id: 'mini-only', name: 'Mini only', condition: "event.type == 'model.request'", action: 'restrict', config: { restrictions: { models: { allow: ['gpt-4.1-mini'] } } } }] };
    assert.equal((await system.request('cid', 'PUT', '/api/policies?scope=user', { body: policies })).status, 200);
    scriptEmailRun();
    await system.emit('cid', 'email.received', mail);
    await awaitType('cid', 'email.processed');
    assert.deepEqual([...new Set(openai.requests.map((request) => request.model))], ['gpt-4.1-mini']);
  });

  it('a budget that runs out mid-run stops the run with a clear error', async () => {
    const policies = { policies: [{ id: 'no-more-spend', name: 'Budget', condition: "usage.cost_today > 0.0 && model != ''", action: 'deny', config: { reason: 'the daily model budget is spent' } }] };
    assert.equal((await system.request('dan', 'PUT', '/api/policies?scope=user', { body: policies })).status, 200);
    scriptEmailRun();
    await system.emit('dan', 'email.received', mail);
    const failed = await awaitType('dan', 'email.processing_failed');
    const { error, usage } = failed.event.data as { error: { code: string; message: string }; usage: { steps: number } };
    assert.equal(error.code, 'denied');
    assert.match(error.message, /daily model budget is spent/);
    assert.equal(usage.steps, 2, 'the first call ran, the second was denied');
    assert.equal(openai.requests.length, 1);
  });
});
