/**
 * MCP over Streamable HTTP, and the seed's GitHub scenario, end to end on the embedded host:
 * `github.issue.create` -> the create_issue tool of a server with GitHub's MCP server's tool
 * names and schemas (test/fixtures/mcp, served over HTTP by the SDK in this process, and over
 * stdio) -> `github.issue.created` with the number and URL the server returned. The bearer token
 * comes from a setting; the server restarting (forgetting our session) costs no call.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestSystem, type RecordBody, type TestSystem } from '../helpers/local-system.js';
import { freePort } from '../helpers/local-host-process.js';
import { callTool, firstChild, health, until } from '../helpers/mcp-calls.js';
import { fixtureServer, startHttpMcpServer, type HttpMcpServer } from '../helpers/mcp-servers.js';

let github: HttpMcpServer;
let system: TestSystem;

const mapping = { on: 'github.issue.create', tool: 'create_issue', emits: 'github.issue.created', error: 'github.issue.failed' };

beforeAll(async () => {
  github = await startHttpMcpServer('github');
  const nobodyListens = await freePort();
  system = await startTestSystem({
    env: { GITHUB_TOKEN: 'ghp-test-token-1234' },
    project: {
      mcp_servers: [
        { id: 'github', transport: 'http', url: github.url, headers: { Authorization: 'Bearer ${GITHUB_TOKEN}' }, events: [mapping] },
        fixtureServer('ghstdio', 'github'),
        { id: 'offline', transport: 'http', url: `http://127.0.0.1:${nobodyListens}/mcp` },
      ],
    },
  });
});
afterAll(async () => {
  await system.stop();
  await github.stop();
});

type Issue = { number: number; html_url: string; title: string; labels: Array<{ name: string }> };

async function createIssue(user: string, title: string): Promise<RecordBody> {
  const id = await system.emit(user, 'github.issue.create', { owner: 'octo-org', repo: 'hello-world', title, body: 'Found while testing', labels: ['bug'] });
  return (await firstChild(system, user, id)).answer;
}

describe('the GitHub scenario over Streamable HTTP', () => {
  it('github.issue.create becomes github.issue.created with the number and URL GitHub returned', async () => {
    const created = await createIssue('ann', 'The build is red');
    assert.equal(created.type, 'github.issue.created');
    const issue = created.event.data as Issue;
    assert.equal(issue.number, 1);
    assert.equal(issue.html_url, 'https://github.com/octo-org/hello-world/issues/1');
    assert.equal(issue.title, 'The build is red');
    assert.deepEqual(issue.labels, [{ name: 'bug' }]);
    assert.ok(github.authorizations.length > 0 && github.authorizations.every((value) => value === 'Bearer ghp-test-token-1234'), 'every request carried the token from the setting');
  });

  it('gets a new session when the server restarted, and says "unavailable" while it is down', async () => {
    await github.stop();
    const down = await callTool(system, 'bo', 'github', 'get_issue', { owner: 'octo-org', repo: 'hello-world', issue_number: 1 });
    assert.equal(down.answer.type, 'tool.error');
    assert.equal((down.answer.event.data as { code: string }).code, 'unavailable');

    await github.restart();
    assert.equal(github.sessions(), 0, 'the restarted server knows no session');
    const created = await createIssue('bo', 'After the restart');
    assert.equal(created.type, 'github.issue.created', JSON.stringify(created.event.data));
    assert.equal((created.event.data as Issue).number, 1, 'a new session: the restarted server numbers from 1');
    assert.equal(github.sessions(), 1);
  });

  it('maps a failed call to the configured error event', async () => {
    const id = await system.emit('cy', 'github.issue.create', { owner: 'octo-org', repo: 'hello-world' });
    const { answer } = await firstChild(system, 'cy', id);
    assert.equal(answer.type, 'github.issue.failed');
    const data = answer.event.data as { code: string; event: string; message: string };
    assert.equal(data.event, 'github.issue.create');
    assert.match(data.message, /title/);
  });
});

describe('an HTTP server that is not there', () => {
  it('is reported down in /api/health, and a call says why', async () => {
    // Between its retries (a retry may be in flight at any moment, reported as "connecting").
    const check = await until('the offline server reported down', async () => {
      const found = (await health(system)).checks['mcp:offline'];
      return found?.ok === false ? found : undefined;
    });
    assert.match(check.detail ?? '', /^down: .*fetch failed/);
    const response = await fetch(`${system.url}/api/health`);
    assert.equal(response.status, 200, 'a broken MCP server does not make the host unhealthy');
    assert.equal(((await response.json()) as { status: string }).status, 'ok');
    const { answer } = await callTool(system, 'eve', 'offline', 'anything');
    assert.equal(answer.type, 'tool.error');
    assert.equal((answer.event.data as { code: string }).code, 'unavailable');
    assert.match((answer.event.data as { message: string }).message, /MCP server "offline" could not be started: .*fetch failed/);
  });
});

describe('the same tools over stdio', () => {
  it('answers create_issue as a tool.call with GitHub\'s JSON in the text content', async () => {
    const { answer } = await callTool(system, 'dee', 'ghstdio', 'create_issue', { owner: 'octo-org', repo: 'tools', title: 'From a tool.call' });
    assert.equal(answer.type, 'tool.result');
    const content = (answer.event.data as { content: Array<{ type: string; text: string }> }).content;
    const issue = JSON.parse(content[0]?.text ?? '{}') as Issue;
    assert.equal(issue.html_url, 'https://github.com/octo-org/tools/issues/1');
  });

  it('offers the tools with GitHub\'s input schemas to agents', () => {
    const tool = system.host.system.tools.get('ghstdio_create_issue');
    assert.equal(tool?.source, 'mcp:ghstdio');
    const schema = tool?.inputSchema as { properties: Record<string, unknown>; required: string[] };
    assert.deepEqual(Object.keys(schema.properties).sort(), ['assignees', 'body', 'labels', 'milestone', 'owner', 'repo', 'title', 'type']);
    assert.deepEqual([...schema.required].sort(), ['owner', 'repo', 'title']);
  });
});

describe('configuration errors stop the start', () => {
  it('names the server and the setting a header needs', async () => {
    await assert.rejects(
      startTestSystem({ project: { mcp_servers: [{ id: 'gh', transport: 'http', url: 'http://127.0.0.1:9/mcp', headers: { Authorization: 'Bearer ${VEXTIR_TEST_UNSET_TOKEN}' } }] } }),
      /mcp_servers "gh" headers\.Authorization needs the setting VEXTIR_TEST_UNSET_TOKEN, which is not set/,
    );
  });

  it('names a bad entry', async () => {
    await assert.rejects(startTestSystem({ project: { mcp_servers: [{ id: 'gh', transport: 'ftp', url: 'ftp://example.org' }] } }), /mcp_servers/);
    await assert.rejects(startTestSystem({ project: { mcp_servers: [{ id: 'Bad Id', transport: 'stdio', command: 'x' }] } }), /mcp_servers.*id|id.*lower-case/s);
  });
});
