/**
 * Servers that join and leave while the system runs (a skill pack's, McpServers.add/remove):
 * connected at once with only the tools their owner permits in the tool registry, refused a
 * second id, and on removal disconnected with their tools gone; the project file's servers are
 * not removed this way. Against the SDK-built test server over Streamable HTTP on loopback.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, it } from 'vitest';
import { mcpServersSchema, McpServers, resolveServer, type McpServerOwner, type ResolvedMcpServer } from '../../src/drivers/mcp/index.js';
import { createToolRegistry } from '../../src/registries/tools/index.js';
import { silentLogger } from '../helpers/kernel-fixture.js';
import { startHttpMcpServer, type HttpMcpServer } from '../helpers/mcp-servers.js';

let http: HttpMcpServer;
beforeAll(async () => {
  http = await startHttpMcpServer('test');
});
afterAll(() => http.stop());

const resolved = (id: string, entry: Record<string, unknown>): ResolvedMcpServer => resolveServer(mcpServersSchema.parse([{ id, ...entry }])[0]!, process.cwd(), () => undefined);
const owner: McpServerOwner = { pack: 'calc', allows: async () => true, permits: (tool) => tool === 'add' };

it('adds a server at run time with the tools its owner permits, and removes it with them', async () => {
  const tools = createToolRegistry();
  const servers = new McpServers([resolved('project', { transport: 'http', url: http.url })], { tools, logger: silentLogger });
  await servers.start(10_000);
  const added = await servers.add(resolved('calc-math', { transport: 'http', url: http.url }), owner, 10_000);
  assert.deepEqual([...added.tools.keys()], ['add']);
  assert.deepEqual(tools.forScope(['mcp:calc-math/*']).map((tool) => tool.name), ['calc-math_add']);
  assert.ok(tools.forScope(['mcp:project/*']).length > 1, 'the project server keeps all its tools');
  await assert.rejects(servers.add(resolved('calc-math', { transport: 'http', url: http.url }), owner, 10_000), /already an MCP server "calc-math"/);

  assert.equal(await servers.remove('calc-math'), true);
  assert.equal(servers.get('calc-math'), undefined);
  assert.equal(added.connection.status().state, 'closed');
  assert.deepEqual(tools.forScope(['mcp:calc-math/*']), []);
  assert.equal(await servers.remove('project'), false, "the project file's servers stay");
  assert.ok(servers.get('project') !== undefined);
  await servers.close();
});
