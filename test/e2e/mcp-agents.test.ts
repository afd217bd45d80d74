/**
 * Agents call MCP tools in their loop: the built-in research_agent's scope (`mcp:*\/*search*`)
 * picks up the web_search tool of an MCP server (the SDK-built test server over stdio) once it
 * is connected; the model (Anthropic's wire format, served on loopback, answers scripted) calls
 * it, the call is a `tool.call` event the mcp driver answers, and the answer goes back to the model.
 * A tool the server's configuration puts under approval makes the agent's call wait for a person.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, it } from 'vitest';
import { startTestSystem, type RecordBody, type TestSystem } from '../helpers/local-system.js';
import { until } from '../helpers/mcp-calls.js';
import { fixtureServer } from '../helpers/mcp-servers.js';
import { startAnthropicServer, type ModelServer } from '../helpers/model-servers/index.js';

let anthropic: ModelServer;
let system: TestSystem;

beforeAll(async () => {
  anthropic = await startAnthropicServer();
  system = await startTestSystem({
    env: { ANTHROPIC_API_KEY: 'sk-ant-e2e', ANTHROPIC_BASE_URL: anthropic.url },
    project: { mcp_servers: [fixtureServer('web', 'test', { approval: ['add_tool'] })] },
    agents: [{ id: 'tinker', name: 'Tinker', capabilities: ['tinker.ask'], tools: ['mcp:web/add_tool'], input: '{{data.text}}', system_prompt: 'Do what you are asked with your tools.' }],
  });
});
afterAll(async () => {
  await system.stop();
  await anthropic.close();
});

it('the research agent searches the web through an MCP server and files what it found', async () => {
  anthropic.script(
    '*',
    { toolCalls: [{ name: 'web_web_search', arguments: { query: 'heat pumps' } }] },
    { toolCalls: [{ name: 'context_write', arguments: { path: '/Research/heat-pumps', content: 'See https://example.org/heat%20pumps' } }] },
    { json: { summary: 'Heat pumps are covered at example.org.', documents: ['/Research/heat-pumps'], sources: ['https://example.org/heat%20pumps'] } },
  );
  await system.emit('ann', 'research.request', { query: 'heat pumps' });
  const done = await until('research.completed', async () => {
    const { events } = (await (await system.request('ann', 'GET', '/api/events?type=research.completed&limit=1')).json()) as { events: RecordBody[] };
    return events[0];
  });
  assert.deepEqual((done.event.data as { output: { sources: string[] } }).output.sources, ['https://example.org/heat%20pumps']);

  const offered = (anthropic.requests[0]?.body.tools as Array<{ name: string }>).map((tool) => tool.name);
  assert.ok(offered.includes('web_web_search'), `the model was offered the MCP search tool: ${offered.join(', ')}`);
  assert.ok(!offered.includes('web_add'), 'and only the tools its scope allows');
  // The server's answer went back to the model.
  assert.match(JSON.stringify(anthropic.requests[1]?.body.messages), /About heat pumps/);

  const { events: calls } = (await (await system.request('ann', 'GET', '/api/events?type=tool.call')).json()) as { events: RecordBody[] };
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0]?.event.data, { server: 'web', tool: 'web_search', arguments: { query: 'heat pumps' } });
  const call = await system.settled('ann', calls[0]?.id ?? '');
  assert.equal(call.decision?.allowed, true);
});

it("an agent's call of a tool under approval waits for a person, then runs and the run completes", async () => {
  anthropic.script('*', { toolCalls: [{ name: 'web_add_tool', arguments: {} }] }, { text: 'The extra tool is there now.' });
  await system.emit('ann', 'tinker.ask', { text: 'Add the extra tool.' });
  type Approval = { id: string; policy: string; eventType: string };
  const pending = await until('the pending approval', async () => {
    const { approvals } = (await (await system.request('ann', 'GET', '/api/approvals?status=pending')).json()) as { approvals: Approval[] };
    return approvals[0];
  });
  assert.deepEqual({ policy: pending.policy, eventType: pending.eventType }, { policy: 'driver:tinker', eventType: 'tool.call' });
  assert.equal(system.host.system.tools.get('web_extra'), undefined, 'the tool has not run');

  assert.equal((await system.request('ann', 'POST', `/api/approvals/${pending.id}`, { body: { decision: 'approve' }, admin: true })).status, 200);
  const answer = await until('tinker.ask.response', async () => {
    const { events } = (await (await system.request('ann', 'GET', '/api/events?type=tinker.ask.response&limit=1')).json()) as { events: RecordBody[] };
    return events[0];
  });
  assert.equal((answer.event.data as { text: string }).text, 'The extra tool is there now.');
  assert.ok(system.host.system.tools.get('web_extra'), 'the approved call ran: the server offers its new tool');
  const { events: calls } = (await (await system.request('ann', 'GET', '/api/events?type=tool.call')).json()) as { events: RecordBody[] };
  assert.equal(calls.filter((call) => (call.event.data as { tool: string }).tool === 'add_tool').length, 1, 'one call: the driver did not ask again');
});
