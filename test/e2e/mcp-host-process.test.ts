/**
 * `vextir start` as users run it (a child process) with MCP servers over stdio: SIGTERM stops
 * the host gracefully and no server process outlives it; after SIGKILL (no shutdown code runs)
 * the servers still end, because their stdin closes with the host.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { freePort, isRunning, startHostProcess } from '../helpers/local-host-process.js';
import { until, type HealthBody } from '../helpers/mcp-calls.js';
import { fixtureServer, referenceServer } from '../helpers/mcp-servers.js';

let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'vextir-mcp-host-'));
  writeFileSync(join(dataDir, 'vextir.config.json'), JSON.stringify({ mcp_servers: [referenceServer('everything', 'server-everything', ['stdio']), fixtureServer('tester', 'test')] }));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function serverPids(url: string): Promise<number[]> {
  return until('both servers ready', async () => {
    const report = (await (await fetch(`${url}/api/health`)).json()) as HealthBody;
    const pids = ['mcp:everything', 'mcp:tester'].map((name) => Number(/pid (\d+)/.exec(report.checks[name]?.detail ?? '')?.[1] ?? NaN));
    return pids.every((pid) => Number.isInteger(pid)) ? pids : undefined;
  });
}

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  it(`leaves no MCP server running after ${signal}`, async () => {
    const host = await startHostProcess(dataDir, await freePort(), { VEXTIR_CONFIG: join(dataDir, 'vextir.config.json') });
    const pids = await serverPids(host.url);
    assert.ok(pids.every(isRunning));
    host.child.kill(signal);
    const code = await host.exited;
    if (signal === 'SIGTERM') assert.equal(code, 0, 'a graceful stop');
    await until('the servers to exit', () => (pids.every((pid) => !isRunning(pid)) ? true : undefined));
  });
}
