/**
 * A skill pack's MCP server at run time, on the embedded host (worker in the HTTP thread, and two
 * processor threads): the pack declares a Streamable HTTP server on loopback (its host declared),
 * an admin adds it for themselves with consent, and then the server's tool answers their
 * `tool.call` through the policy engine and the audit trail; another user without a grant is
 * refused, a tool outside the pack's `permissions.tools` is refused, and once the pack is
 * removed the server is disconnected and its tool gone.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';
import { callTool } from '../helpers/mcp-calls.js';
import { startHttpMcpServer, type HttpMcpServer } from '../helpers/mcp-servers.js';

let server: HttpMcpServer;
let packDir: string;
beforeAll(async () => {
  server = await startHttpMcpServer('test');
  packDir = mkdtempSync(join(tmpdir(), 'vextir-calc-pack-'));
  cpSync(resolve('test/fixtures/packs/calc-mcp'), packDir, { recursive: true });
  const mcp = join(packDir, 'mcp.yaml');
  writeFileSync(mcp, readFileSync(mcp, 'utf8').replace('__PORT__', new URL(server.url).port));
});
afterAll(async () => {
  await server.stop();
  rmSync(packDir, { recursive: true, force: true });
});

describe.each([0, 2])('a pack brings an MCP server (processor threads: %i)', (threads) => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ env: { VEXTIR_PROCESSOR_THREADS: String(threads) } });
  });
  afterAll(() => system.stop());

  async function call(user: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await system.request(user, method, path, { ...(body !== undefined && { body }), admin: user === 'ada' });
    const text = await response.text();
    return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }
  // What agents are offered: the registry of the processor in this thread (no processor threads).
  const toolNames = () => system.host.system.tools.forScope(['mcp:*/*']).map((tool) => tool.name);

  it("before it is added, there is no such server", async () => {
    const before = await callTool(system, 'ada', 'calc-math', 'add', { a: 1, b: 2 });
    assert.equal(before.answer.type, 'tool.error');
    assert.equal((before.answer.event.data as { code: string }).code, 'not_found');
  });

  it('a granted user calls its tool; the call is authorized and audited like any', async () => {
    const asked = await call('ada', 'POST', '/api/packs', { source: packDir });
    assert.equal(asked.status, 428, JSON.stringify(asked.body));
    const consent = asked.body['consent'] as { digest: string; summary: string[] };
    assert.ok(consent.summary.some((line) => line.includes('127.0.0.1')), consent.summary.join('\n'));
    assert.equal((await call('ada', 'POST', '/api/packs', { source: packDir, grant: { digest: consent.digest } })).status, 201);

    const sum = await callTool(system, 'ada', 'calc-math', 'add', { a: 2, b: 3 });
    assert.equal(sum.answer.type, 'tool.result', JSON.stringify(sum.answer.event.data));
    assert.deepEqual((sum.answer.event.data as { content: unknown }).content, [{ type: 'text', text: '5' }]);
    assert.equal(sum.call.decision?.allowed, true);
    const audit = (await call('ada', 'GET', '/api/audit?limit=50')).body['entries'] as Array<{ eventId?: string }>;
    assert.ok(audit.some((entry) => entry.eventId === sum.call.id), JSON.stringify(audit.slice(0, 3)));
    if (threads === 0) {
      const names = toolNames();
      assert.ok(names.includes('calc-math_add'), names.join(', '));
      assert.ok(!names.includes('calc-math_web_search'), 'a tool outside permissions.tools is not offered');
      // Agents are offered it only when they run for a user with the grant (test/drivers/agent-tools-per-user.test.ts).
      const add = system.host.system.tools.get('calc-math_add');
      assert.equal(await add?.availableTo?.('ada'), true);
      assert.equal(await add?.availableTo?.('bob'), false);
    }
  });

  it('a user without a grant is refused, and so is a tool outside permissions.tools', async () => {
    const bob = await callTool(system, 'bob', 'calc-math', 'add', { a: 2, b: 3 });
    assert.equal(bob.answer.type, 'tool.error');
    assert.deepEqual(bob.answer.event.data, { server: 'calc-math', tool: 'add', code: 'forbidden', message: "the MCP server \"calc-math\" is the skill pack calc's, and user bob has no grant of it in force", retryable: false });
    const search = await callTool(system, 'ada', 'calc-math', 'web_search', { query: 'anything' });
    assert.equal(search.answer.type, 'tool.error');
    assert.match((search.answer.event.data as { message: string }).message, /not among the tools the skill pack calc may use/);
  });

  it('after DELETE /api/packs/calc the server is disconnected and its tool gone', async () => {
    const removed = await call('ada', 'DELETE', '/api/packs/calc');
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    const after = await callTool(system, 'ada', 'calc-math', 'add', { a: 2, b: 3 });
    assert.equal(after.answer.type, 'tool.error');
    assert.equal((after.answer.event.data as { code: string }).code, 'not_found');
    if (threads === 0) assert.ok(!toolNames().includes('calc-math_add'));
    assert.equal((await call('ada', 'DELETE', '/api/packs/calc?global=true')).status, 200);
  });
});

it('a pack whose MCP server entry is not of the format is refused at install, naming the file and field', async () => {
  const system = await startTestSystem();
  const bad = mkdtempSync(join(tmpdir(), 'vextir-calc-bad-'));
  try {
    cpSync(resolve('test/fixtures/packs/calc-mcp'), bad, { recursive: true });
    writeFileSync(join(bad, 'mcp.yaml'), 'mcp_servers:\n  - { id: calc-math, transport: http, url: "http://127.0.0.1:1/mcp", timeout: forever }\n');
    const response = await system.request('ada', 'POST', '/api/packs', { body: { source: bad }, admin: true });
    const body = (await response.json()) as { detail: string };
    assert.equal(response.status, 400, JSON.stringify(body));
    assert.match(body.detail, /mcp\.yaml: mcp_servers:.*timeout/s);
  } finally {
    await system.stop();
    rmSync(bad, { recursive: true, force: true });
  }
});
