/**
 * An MCP server configured for some users (`users:` in mcp_servers) serves their events only:
 * another user's tool.call is answered `forbidden` before anything reaches the server. Over HTTP
 * on the embedded host, against server-everything over stdio.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';
import { callTool } from '../helpers/mcp-calls.js';
import { referenceServer } from '../helpers/mcp-servers.js';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({ project: { mcp_servers: [referenceServer('anns', 'server-everything', ['stdio'], { users: ['ann'] })] } });
});
afterAll(() => system.stop());

it('serves a server configured for some users to them only', async () => {
  const ann = await callTool(system, 'ann', 'anns', 'echo', { message: 'mine' });
  assert.equal(ann.answer.type, 'tool.result');
  const bob = await callTool(system, 'bob', 'anns', 'echo', { message: 'not mine' });
  assert.equal(bob.answer.type, 'tool.error');
  assert.deepEqual(bob.answer.event.data, { server: 'anns', tool: 'echo', code: 'forbidden', message: 'the MCP server "anns" is not available to user bob (mcp_servers "anns" users)', retryable: false });
});
