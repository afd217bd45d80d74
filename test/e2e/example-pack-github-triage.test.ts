/**
 * The github-triage example pack installed from its folder (an admin, over HTTP, with consent) on
 * `vextir start` run as a child process: a loopback server speaks the slice of the GitHub REST API
 * the sandboxed driver uses (list a repository's issues, add labels), reached as api.github.com
 * through the operator's VEXTIR_PACK_HOST_MAP; a loopback Anthropic server is the model's side.
 * A check finds the new issues (pull requests and older issues left out), the pack's agent labels
 * each through emit_event, the driver applies the labels on "GitHub", and the agent answers
 * github.issue.triaged. Removal stops both and keeps what happened.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startHostProcessSystem, type HostProcessSystem } from '../helpers/host-process-system.js';
import { startAnthropicServer, type ModelServer } from '../helpers/model-servers/index.js';
import { addPackWithConsent } from '../helpers/pack-install.js';
import type { RecordBody } from '../helpers/system-client.js';

const PACK = resolve('examples/packs/github-triage');
const ISSUES = [
  { number: 12, title: 'Crash when the config file is empty', body: 'Steps: start with an empty vextir.config.yaml.', created_at: '2026-01-02T10:00:00Z', html_url: 'https://github.com/acme/app/issues/12', user: { login: 'ann' }, labels: [] },
  { number: 11, title: 'Add dark mode', body: '', created_at: '2026-01-02T09:00:00Z', html_url: 'https://github.com/acme/app/pull/11', user: { login: 'bo' }, labels: [], pull_request: { url: 'x' } },
  { number: 10, title: 'Old issue', body: '', created_at: '2025-12-01T09:00:00Z', html_url: 'https://github.com/acme/app/issues/10', user: { login: 'cy' }, labels: [{ name: 'bug' }] },
];

interface GitHubCall {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

let github: Server;
const calls: GitHubCall[] = [];
let anthropic: ModelServer;
let system: HostProcessSystem;

beforeAll(async () => {
  github = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const body: unknown = text === '' ? undefined : JSON.parse(text);
      calls.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const url = new URL(request.url ?? '/', 'http://github.test');
      const send = (status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (request.method === 'GET' && url.pathname === '/repos/acme/app/issues') {
        const since = url.searchParams.get('since');
        return send(200, ISSUES.filter((issue) => since === null || issue.created_at >= since || issue.number === 10));
      }
      const labels = /^\/repos\/acme\/app\/issues\/(\d+)\/labels$/.exec(url.pathname);
      if (request.method === 'POST' && labels) return send(200, ((body as { labels: string[] }).labels ?? []).map((name) => ({ name })));
      send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((done) => github.listen(0, '127.0.0.1', done));
  anthropic = await startAnthropicServer();
  const port = (github.address() as { port: number }).port;
  system = await startHostProcessSystem({ ANTHROPIC_API_KEY: 'sk-ant-e2e', ANTHROPIC_BASE_URL: anthropic.url, VEXTIR_PACK_HOST_MAP: `api.github.com=http://127.0.0.1:${port}` });
  const { consent } = await addPackWithConsent(system, 'ann', { source: PACK }, { admin: true });
  assert.ok(consent.summary.some((line) => line.includes('api.github.com')), consent.summary.join('\n'));
}, 120_000);
afterAll(async () => {
  await system?.stop();
  await anthropic?.close();
  await new Promise((done) => github?.close(done));
});

async function awaitType(user: string, type: string): Promise<RecordBody> {
  for (let i = 0; i < 400; i += 1) {
    const { events } = (await (await system.request(user, 'GET', `/api/events?type=${encodeURIComponent(type)}&limit=5`)).json()) as { events: RecordBody[] };
    if (events[0]) return system.settled(user, events[0].id);
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error(`no ${type} event for ${user}`);
}

describe('the github-triage pack, installed from its folder', () => {
  it('finds the new issues, labels each with its agent, and applies the labels on GitHub', async () => {
    anthropic.script(
      '*',
      { toolCalls: [{ name: 'emit_event', arguments: { type: 'github.issue.label', data: { repo: 'acme/app', number: 12, labels: ['bug'] } } }] },
      { text: 'Labelled bug: it is a crash.' },
    );
    const check = await system.settled('ann', await system.emit('ann', 'github.issues.check', { repo: 'acme/app', since: '2026-01-01T00:00:00Z' }));
    assert.equal(check.status, 'processed');
    const opened = await Promise.all(check.children.map((id) => system.settled('ann', id)));
    assert.deepEqual(opened.map((record) => [record.type, (record.event.data as { number: number }).number]), [['github.issue.opened', 12]], 'the pull request and the older issue are left out');
    const list = calls.find((call) => call.method === 'GET');
    assert.equal(list?.headers['host'], 'api.github.com', 'reached as the host it declares, through the operator\'s pin');
    assert.equal(list?.headers['authorization'], undefined, 'no token in its options: read as a public repository');
    assert.equal(list?.headers['accept'], 'application/vnd.github+json');
    assert.match(list?.url ?? '', /state=open/);

    const labeled = await awaitType('ann', 'github.issue.labeled');
    assert.deepEqual(labeled.event.data, { repo: 'acme/app', number: 12, labels: ['bug'] });
    const post = calls.find((call) => call.method === 'POST');
    assert.equal(post?.url, '/repos/acme/app/issues/12/labels');
    assert.deepEqual(post.body, { labels: ['bug'] });
    const triaged = await awaitType('ann', 'github.issue.triaged');
    assert.equal((triaged.event.data as { text: string }).text, 'Labelled bug: it is a crash.');
    // The issue's text reached the model as the agent's input.
    assert.match(JSON.stringify(anthropic.requests[0]?.body.messages), /Crash when the config file is empty/);
  });

  it('reports a repository GitHub does not know as the driver\'s failure, not retried', async () => {
    const check = await system.settled('ann', await system.emit('ann', 'github.issues.check', { repo: 'acme/missing' }));
    assert.equal(check.status, 'failed');
    assert.match(check.error?.message ?? '', /GitHub answered 404 for \/repos\/acme\/missing\/issues/);
  });

  it('once removed, neither its driver nor its agent runs for the user, and what happened is kept', async () => {
    const removed = await system.request('ann', 'DELETE', '/api/packs/github-triage');
    assert.equal(removed.status, 200);
    const before = calls.length;
    const check = await system.settled('ann', await system.emit('ann', 'github.issues.check', { repo: 'acme/app' }));
    assert.deepEqual(check.drivers, [], 'its driver no longer runs for her');
    const opened = await system.settled('ann', await system.emit('ann', 'github.issue.opened', { repo: 'acme/app', number: 13, title: 'x', body: '' }));
    assert.deepEqual(opened.drivers, [], 'nor its agent');
    assert.equal(calls.length, before);
    assert.ok((await awaitType('ann', 'github.issue.triaged')).event.data, 'the triage it did is kept');
  });
});
