/**
 * /api/agents over HTTP against the embedded host, as users call it: built-in, project and own
 * agents; a built-in copied as YAML and put back under another id; every refusal as
 * problem+json naming the field; ETags; privacy between users; the audit trail.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';

interface AgentView {
  id: string;
  source: string;
  etag?: string;
  definition: Record<string, unknown> & { id: string; capabilities: string[]; tools: string[] };
}
interface ProblemBody {
  status: number;
  detail: string;
  errors?: Array<{ pointer?: string; field?: string; reason: string }>;
}

const triage = { id: 'triage', name: 'Triage', system_prompt: 'Sort tickets.', capabilities: ['ticket.created'], tools: ['context_write'] };
const mine = { id: 'summarizer', name: 'Summarizer', system_prompt: 'Summarize documents.', capabilities: ['doc.summarize'], tools: ['context_read', 'context_write'] };

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({ agents: [triage] });
});
afterAll(() => system.stop());

const yaml = { 'content-type': 'application/yaml' };

async function put(user: string, id: string, body: unknown, headers: Record<string, string> = {}) {
  return system.request(user, 'PUT', `/api/agents/${id}`, { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
}

async function problem(response: Response, status: number): Promise<ProblemBody> {
  assert.equal(response.status, status, await response.clone().text());
  assert.equal(response.headers.get('content-type'), 'application/problem+json');
  return (await response.json()) as ProblemBody;
}

describe('/api/agents', () => {
  it('lists the built-in and project agents for everyone', async () => {
    const response = await system.request('ann', 'GET', '/api/agents');
    assert.equal(response.status, 200);
    const { agents } = (await response.json()) as { agents: AgentView[] };
    assert.deepEqual(agents.map((agent) => `${agent.source}:${agent.id}`), ['project:triage', 'builtin:chat', 'builtin:research_agent', 'builtin:email_assistant']);
    assert.equal(agents[1]?.definition['max_steps'], 6);
  });

  it('serves a built-in as YAML that, put back under another id, becomes the user’s own', async () => {
    const got = await system.request('ann', 'GET', '/api/agents/research_agent', { headers: { accept: 'application/yaml' } });
    assert.equal(got.status, 200);
    assert.match(got.headers.get('content-type') ?? '', /^application\/yaml/);
    assert.equal(got.headers.get('vextir-agent-source'), 'builtin');
    const copy = (parseYaml(await got.text()) as Record<string, unknown>);
    copy['id'] = 'my_research';
    copy['capabilities'] = ['research.deep'];
    const created = await put('ann', 'my_research', toYaml(copy), yaml);
    assert.equal(created.status, 201, await created.clone().text());
    assert.equal(created.headers.get('location'), '/api/agents/my_research');
    const etag = created.headers.get('etag');
    assert.match(etag ?? '', /^".+"$/);

    const listed = ((await (await system.request('ann', 'GET', '/api/agents')).json()) as { agents: AgentView[] }).agents;
    assert.deepEqual(listed[0] && [listed[0].id, listed[0].source, `"${listed[0].etag}"`], ['my_research', 'user', etag]);
    const one = await system.request('ann', 'GET', '/api/agents/my_research');
    assert.equal(one.headers.get('etag'), etag);
    assert.deepEqual(((await one.json()) as AgentView).definition.tools, copy['tools']);
  });

  it('takes the id from the URL, and accepts the seed’s form wrapped in driver:', async () => {
    const { id: _id, ...withoutId } = mine;
    assert.equal((await put('ann', 'summarizer', withoutId)).status, 201);
    const seedForm = `driver:\n  id: mailer\n  type: agent\n  name: Mailer\n  tools: [context_write]\n  system_prompt: Mail.\n  capabilities: [email.process]\n`;
    assert.equal((await put('ann', 'mailer', seedForm, yaml)).status, 201);
    const bad = await problem(await put('ann', 'mailer', `driver:\n  id: mailer\n  name: Mailer\n  tools: [email_send]\n  system_prompt: Mail.\n  capabilities: [email.process]\n`, yaml), 400);
    assert.deepEqual(bad.errors?.map((error) => error.pointer), ['/driver/tools/0']);
  });

  it('answers 400 naming each bad field', async () => {
    const missing = await problem(await put('ann', 'broken', { name: 'Broken', tools: ['nope'] }), 400);
    assert.deepEqual(missing.errors?.map((error) => `${error.pointer} ${error.reason}`).sort(), ['/capabilities is required', '/system_prompt is required']);
    const tools = await problem(await put('ann', 'broken', { ...mine, id: 'broken', tools: ['context_read', 'send_email'], extra: true }), 400);
    assert.deepEqual(tools.errors?.map((error) => error.pointer), ['/extra']);
    const scope = await problem(await put('ann', 'broken', { ...mine, id: 'broken', tools: ['context_read', 'send_email'] }), 400);
    assert.deepEqual(scope.errors?.map((error) => error.pointer), ['/tools/1']);
    assert.match(scope.detail, /send_email/);
    const loop = await problem(await put('ann', 'broken', { ...mine, id: 'broken', capabilities: ['doc.*'] }), 400);
    assert.deepEqual(loop.errors?.map((error) => error.pointer), ['/emits/response', '/emits/error']);
    const otherId = await problem(await put('ann', 'broken', { ...mine }), 400);
    assert.deepEqual(otherId.errors, [{ pointer: '/id', reason: 'must be the id in the URL ("broken") or left out' }]);
    const badId = await problem(await put('ann', 'Bad-Id', { name: 'x' }), 400);
    assert.ok(badId.errors?.some((error) => error.pointer === '/id'));
    assert.equal((await problem(await put('ann', 'broken', 'id: [', yaml), 400)).errors?.[0]?.pointer, '');
    assert.equal((await problem(await put('ann', 'broken', 'hello', { 'content-type': 'text/plain' }), 415)).errors?.[0]?.field, 'content-type');
  });

  it('answers 409 for an id of a built-in agent, a project agent or a driver', async () => {
    for (const id of ['chat', 'triage', 'ping', 'context']) {
      const refused = await problem(await put('ann', id, { ...mine, id }), 409);
      assert.equal(refused.errors?.[0]?.pointer, '/id');
    }
    await problem(await system.request('ann', 'DELETE', '/api/agents/chat'), 409);
  });

  it('guards changes with ETags: 412 on a stale If-Match or If-None-Match: * over an existing agent', async () => {
    const first = await put('bea', 'notes', { ...mine, id: 'notes' }, { 'if-none-match': '*' });
    assert.equal(first.status, 201);
    const etag = first.headers.get('etag')!;
    await problem(await put('bea', 'notes', { ...mine, id: 'notes' }, { 'if-none-match': '*' }), 412);
    const second = await put('bea', 'notes', { ...mine, id: 'notes', name: 'Notes' }, { 'if-match': etag });
    assert.equal(second.status, 200);
    await problem(await put('bea', 'notes', { ...mine, id: 'notes' }, { 'if-match': etag }), 412);
    await problem(await system.request('bea', 'DELETE', '/api/agents/notes', { headers: { 'if-match': etag } }), 412);
    assert.equal((await system.request('bea', 'DELETE', '/api/agents/notes', { headers: { 'if-match': second.headers.get('etag')! } })).status, 204);
    await problem(await system.request('bea', 'GET', '/api/agents/notes'), 404);
    await problem(await system.request('bea', 'DELETE', '/api/agents/notes'), 404);
  });

  it('keeps a user’s agents from every other user', async () => {
    assert.equal((await put('cat', 'secret_agent', { ...mine, id: 'secret_agent' })).status, 201);
    await problem(await system.request('dan', 'GET', '/api/agents/secret_agent'), 404);
    await problem(await system.request('dan', 'DELETE', '/api/agents/secret_agent'), 404);
    const dans = ((await (await system.request('dan', 'GET', '/api/agents')).json()) as { agents: AgentView[] }).agents;
    assert.equal(dans.some((agent) => agent.id === 'secret_agent'), false);
    assert.equal((await put('dan', 'secret_agent', { ...mine, id: 'secret_agent' })).status, 201, 'ids are per user');
    assert.equal((await system.request(undefined, 'GET', '/api/agents')).status, 401);
  });

  it('audits every change in the owner’s chain', async () => {
    assert.equal((await put('eve', 'audited', { ...mine, id: 'audited' })).status, 201);
    assert.equal((await system.request('eve', 'DELETE', '/api/agents/audited')).status, 204);
    const { entries } = (await (await system.request('eve', 'GET', '/api/audit?limit=1000')).json()) as { entries: Array<{ kind: string; action?: string; target?: string; reason?: string }> };
    const changes = entries.filter((entry) => entry.kind === 'admin').map((entry) => `${entry.action} ${entry.target} ${entry.reason}`);
    assert.deepEqual(changes, ['agent.put audited created: on doc.summarize; tools context_read, context_write (by eve)', 'agent.delete audited deleted (by eve)']);
  });
});
