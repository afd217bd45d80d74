/**
 * A stdio MCP server that exits at once, every time (a missing API key, a bad flag): the
 * connection keeps starting it again with backoff, and says why with the server's own last
 * words (its stderr), on every call and in its status.
 */
import assert from 'node:assert/strict';
import { it } from 'vitest';
import { McpConnection, McpUnavailableError, mcpServersSchema, resolveServer } from '../../src/drivers/mcp/index.js';
import { silentLogger } from '../helpers/kernel-fixture.js';
import { until } from '../helpers/mcp-calls.js';

it('restarts a server that keeps exiting, with its stderr in the error', async () => {
  const [entry] = mcpServersSchema.parse([{ id: 'failing', transport: 'stdio', command: process.execPath, args: ['-e', "console.error('error: GITHUB_PERSONAL_ACCESS_TOKEN not set'); process.exit(1)"] }]);
  const connection = new McpConnection(resolveServer(entry!, process.cwd(), () => undefined), { logger: silentLogger, onTools: () => undefined, backoff: { baseMs: 20, maxMs: 200 } });
  try {
    await connection.start();
    assert.equal(connection.status().state === 'ready', false);
    await until('three restarts', () => (connection.status().restarts >= 3 ? true : undefined));
    const status = connection.status();
    assert.match(status.error ?? '', /GITHUB_PERSONAL_ACCESS_TOKEN not set/);
    await until('a call between attempts', async () => {
      try {
        await connection.callTool('anything', {}, { signal: new AbortController().signal });
        return undefined;
      } catch (error) {
        if (!(error instanceof McpUnavailableError) || !/is not running/.test(error.message)) return undefined;
        assert.match(error.message, /MCP server "failing" is not running: .*GITHUB_PERSONAL_ACCESS_TOKEN not set.*; next start attempt in \d+s/);
        return true;
      }
    });
  } finally {
    await connection.close();
  }
  assert.equal(connection.status().state, 'closed');
  const restarts = connection.status().restarts;
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(connection.status().restarts, restarts, 'no restart after close');
});
