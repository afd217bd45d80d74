/** /api/instructions and /api/plans in memory: what a client sees, status by status. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { apiFixture, send, type ProblemShape } from './helpers.js';

const notes = `
id: notes
inputs:
  - { name: text, type: string }
plan:
  - id: write
    action: emit_event
    event: { type: context.write, data: { path: /Notes/a, content: "{{inputs.text}}" } }
`;

describe('/api/instructions', () => {
  it('saves YAML (201, then 200 for a new version), lists, reads back as YAML, deletes', async () => {
    const fixture = apiFixture();
    const token = await fixture.token();
    const yaml = { 'content-type': 'application/yaml' };
    const created = await send(fixture, 'POST', '/api/instructions', { token, headers: yaml, body: notes });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers['location'], '/api/instructions/notes');
    assert.deepEqual((created.json() as { version: number; steps: number }).version, 1);
    const again = await send(fixture, 'POST', '/api/instructions', { token, headers: yaml, body: notes });
    assert.equal(again.status, 200);
    assert.equal((again.json() as { version: number }).version, 2);
    const list = (await send(fixture, 'GET', '/api/instructions', { token })).json() as { instructions: Array<{ id: string }> };
    assert.deepEqual(list.instructions.map((each) => each.id), ['notes']);
    const document = await send(fixture, 'GET', '/api/instructions/notes', { token, headers: { accept: 'application/yaml' } });
    assert.match(document.text, /id: notes/);
    assert.equal((await send(fixture, 'GET', '/api/instructions/notes', { token: await fixture.token('bob') })).status, 404, 'another user sees nothing');
    assert.equal((await send(fixture, 'DELETE', '/api/instructions/notes', { token })).status, 204);
    assert.equal((await send(fixture, 'DELETE', '/api/instructions/notes', { token })).status, 404);
  });

  it('answers 400 naming the step and the problem', async () => {
    const fixture = apiFixture();
    const token = await fixture.token();
    const bad = { id: 'bad', plan: [{ id: 'a', action: 'emit_event', event: { type: 'x.y' } }, { id: 'b', action: 'emit_event', depends_on: ['c'], event: { type: 'x.y' } }] };
    const response = await send(fixture, 'POST', '/api/instructions', { token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(bad) });
    assert.equal(response.status, 400);
    const problem = response.json() as ProblemShape & { errors: Array<{ pointer: string; step: string; reason: string }> };
    assert.deepEqual(problem.errors, [{ pointer: '/plan/1/depends_on/0', step: 'b', reason: 'depends on "c", which is not a step of this plan' }]);
    assert.match(problem.detail, /step b \(\/plan\/1\/depends_on\/0\): depends on "c"/);
    const yaml = await send(fixture, 'POST', '/api/instructions', { token, headers: { 'content-type': 'application/yaml' }, body: 'id: [unclosed' });
    assert.equal(yaml.status, 400);
    assert.match((yaml.json() as ProblemShape).detail, /is not valid YAML/);
  });

  it('runs one: 202 with the plan id, 400 for bad inputs, 404 for an unknown instruction, one plan per Idempotency-Key', async () => {
    const fixture = apiFixture();
    const token = await fixture.token();
    await send(fixture, 'POST', '/api/instructions', { token, headers: { 'content-type': 'application/yaml' }, body: notes });
    const json = { 'content-type': 'application/json' };
    const bad = await send(fixture, 'POST', '/api/instructions/notes/run', { token, headers: json, body: JSON.stringify({ inputs: { text: 3, extra: true } }) });
    assert.equal(bad.status, 400);
    assert.match((bad.json() as ProblemShape).detail, /"extra" is not an input of notes.*the input "text" must be a string/);
    assert.equal((await send(fixture, 'POST', '/api/instructions/nope/run', { token, headers: json, body: '{}' })).status, 404);
    const run = async () => send(fixture, 'POST', '/api/instructions/notes/run', { token, headers: { ...json, 'idempotency-key': 'k1' }, body: JSON.stringify({ inputs: { text: 'hi' } }) });
    const first = await run();
    assert.equal(first.status, 202);
    const { plan, event } = first.json() as { plan: string; event: string };
    assert.match(plan, /^pl_[A-Za-z0-9_-]{16}$/);
    assert.equal(first.headers['location'], `/api/plans/${plan}`);
    const second = (await run()).json() as { plan: string; event: string; duplicate?: boolean };
    assert.deepEqual(second, { plan, event, duplicate: true });
    const record = (await send(fixture, 'GET', `/api/events/${event}`, { token })).json() as { type: string; status: string };
    assert.equal(record.type, 'instruction.run');
  });
});

describe('/api/plans', () => {
  it('404s an unknown plan, refuses a bad filter', async () => {
    const fixture = apiFixture();
    const token = await fixture.token();
    assert.equal((await send(fixture, 'GET', '/api/plans/pl_AAAAAAAAAAAAAAAA', { token })).status, 404);
    assert.equal((await send(fixture, 'POST', '/api/plans/pl_AAAAAAAAAAAAAAAA/cancel', { token })).status, 404);
    const filter = await send(fixture, 'GET', '/api/plans?status=sleepy', { token });
    assert.equal(filter.status, 400);
    assert.deepEqual((await send(fixture, 'GET', '/api/plans', { token })).json(), { plans: [] });
  });
});
