/**
 * MCP servers as tools, end to end over HTTP on the embedded host, against the official
 * reference servers over stdio (server-everything, server-memory, server-filesystem): a user's
 * `tool.call` passes the policy engine, reaches the server, and its `tool.result` is the call's
 * child, with the decision in the event's record and the audit trail.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { isRunning } from '../helpers/local-host-process.js';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';
import { callTool, health } from '../helpers/mcp-calls.js';
import { referenceServer } from '../helpers/mcp-servers.js';

let system: TestSystem;
let scratch: string;
let allowed: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'vextir-mcp-ref-'));
  allowed = join(scratch, 'allowed');
  mkdirSync(allowed);
  writeFileSync(join(scratch, 'outside.txt'), 'not for the server');
  system = await startTestSystem({
    project: {
      mcp_servers: [
        referenceServer('everything', 'server-everything', ['stdio']),
        referenceServer('memory', 'server-memory', [], { env: { MEMORY_FILE_PATH: join(scratch, 'memory.jsonl') }, external: false }),
        referenceServer('files', 'server-filesystem', [allowed], { external: false }),
      ],
    },
  });
});
afterAll(async () => {
  await system.stop();
  rmSync(scratch, { recursive: true, force: true });
});

type ResultData = { server: string; tool: string; content: Array<{ type: string; text?: string }>; structuredContent?: unknown; isError: boolean };
const textOf = (data: unknown) => (data as ResultData).content.map((part) => part.text ?? '').join('\n');

describe('server-everything over stdio', () => {
  it('answers a tool.call with a tool.result, decided by the policy engine and audited', async () => {
    const { call, answer } = await callTool(system, 'ann', 'everything', 'echo', { message: 'hello MCP' });
    assert.equal(call.status, 'processed');
    assert.equal(call.decision?.allowed, true);
    assert.equal(call.decision?.authorizer, 'policy-engine');
    // Both MCP drivers see every tool.call; each answers its own servers' (mcp-local: servers configured external: false).
    assert.deepEqual(call.drivers.map((driver) => [driver.driver, driver.status]).sort(), [['mcp', 'succeeded'], ['mcp-local', 'succeeded']]);
    assert.equal(answer.type, 'tool.result');
    assert.deepEqual(answer.event.data, { server: 'everything', tool: 'echo', content: [{ type: 'text', text: 'Echo: hello MCP' }], isError: false });

    type Entry = { eventId?: string; eventType?: string; status?: string; decision?: { allowed: boolean; authorizer: string }; drivers: string[]; emitted: string[] };
    const audit = (await (await system.request('ann', 'GET', '/api/audit?limit=1000')).json()) as { entries: Entry[] };
    const entry = audit.entries.find((candidate) => candidate.eventId === call.id && candidate.status === 'processed');
    assert.ok(entry, `the audit trail has the call: ${JSON.stringify(audit.entries.slice(-3))}`);
    assert.equal(entry.eventType, 'tool.call');
    assert.deepEqual({ allowed: entry.decision?.allowed, authorizer: entry.decision?.authorizer }, { allowed: true, authorizer: 'policy-engine' });
    assert.deepEqual([...entry.drivers].sort(), ['mcp', 'mcp-local']);
    assert.deepEqual(entry.emitted, [answer.id]);
    const verified = (await (await system.request('ann', 'GET', '/api/audit/verify')).json()) as { ok: boolean };
    assert.equal(verified.ok, true, 'the hash chain is intact');
  });

  it('returns structured content and sums', async () => {
    const { answer } = await callTool(system, 'ann', 'everything', 'get-sum', { a: 2, b: 40 });
    assert.equal(answer.type, 'tool.result');
    assert.match(textOf(answer.event.data), /42/);
  });

  it('offers its tools to agents under mcp:everything', () => {
    const names = system.host.system.tools.forScope(['mcp:everything/*']).map((tool) => tool.name);
    assert.ok(names.includes('everything_echo') && names.includes('everything_get-sum'), names.join(', '));
    const echo = system.host.system.tools.get('everything_echo');
    assert.equal(echo?.source, 'mcp:everything');
    assert.equal(echo?.sourceName, 'echo');
    assert.deepEqual(echo?.inputSchema['required'], ['message']);
  });

  it('answers tool.error for a server or a tool that does not exist', async () => {
    const noServer = await callTool(system, 'ann', 'nowhere', 'echo', {});
    assert.equal(noServer.answer.type, 'tool.error');
    assert.equal((noServer.answer.event.data as { code: string }).code, 'not_found');
    assert.match((noServer.answer.event.data as { message: string }).message, /no MCP server "nowhere" \(configured: everything, memory, files\)/);
    const noTool = await callTool(system, 'ann', 'everything', 'no-such-tool', {});
    assert.equal(noTool.answer.type, 'tool.error');
    assert.match((noTool.answer.event.data as { message: string }).message, /offers no tool "no-such-tool"/);
  });

  it('refuses a tool.call that is not {server, tool, arguments}', async () => {
    const response = await system.request('ann', 'POST', '/api/events', { body: { type: 'tool.call', data: { server: 'everything', tool: 'echo', arguments: 'not an object' } } });
    const { ids } = (await response.json()) as { ids: string[] };
    const record = await system.settled('ann', ids[0] ?? '');
    const answer = await system.settled('ann', record.children[0] ?? '', () => true);
    assert.equal(answer.type, 'tool.error');
    assert.equal((answer.event.data as { code: string }).code, 'invalid_input');
  });
});

describe('server-memory over stdio', () => {
  it('keeps entities a call created for the next call', async () => {
    const created = await callTool(system, 'bo', 'memory', 'create_entities', { entities: [{ name: 'Vextir', entityType: 'project', observations: ['an event-driven OS'] }] });
    assert.equal(created.answer.type, 'tool.result');
    assert.ok(created.call.children.length === 1, 'one answer: from mcp-local, which has the server');
    const graph = await callTool(system, 'bo', 'memory', 'read_graph', {});
    assert.match(textOf(graph.answer.event.data), /an event-driven OS/);
    assert.match(readFileSync(join(scratch, 'memory.jsonl'), 'utf8'), /Vextir/);
  });
});

describe('server-filesystem over stdio', () => {
  it('writes and reads inside its allowed folder, and refuses a path outside it', async () => {
    const written = await callTool(system, 'cy', 'files', 'write_file', { path: join(allowed, 'note.txt'), content: 'written through Vextir' });
    assert.equal((written.answer.event.data as ResultData).isError, false);
    assert.equal(readFileSync(join(allowed, 'note.txt'), 'utf8'), 'written through Vextir');
    const read = await callTool(system, 'cy', 'files', 'read_text_file', { path: join(allowed, 'note.txt') });
    assert.equal(textOf(read.answer.event.data), 'written through Vextir');

    const outside = await callTool(system, 'cy', 'files', 'read_text_file', { path: join(scratch, 'outside.txt') });
    assert.equal(outside.answer.type, 'tool.result');
    assert.equal((outside.answer.event.data as ResultData).isError, true);
    assert.match(textOf(outside.answer.event.data), /outside allowed directories|Access denied/i);
    assert.doesNotMatch(textOf(outside.answer.event.data), /not for the server/);
  });
});

describe('shutdown', () => {
  it('reports each server in /api/health with its process, and leaves no child running after the host stops', async () => {
    const report = await health(system);
    const pids = Object.entries(report.checks)
      .filter(([name]) => name.startsWith('mcp:'))
      .map(([name, check]) => {
        assert.equal(check.ok, true, `${name}: ${check.detail}`);
        const pid = /pid (\d+)/.exec(check.detail ?? '')?.[1];
        assert.ok(pid, `${name}: ${check.detail}`);
        return Number(pid);
      });
    assert.equal(pids.length, 3);
    for (const pid of pids) assert.equal(isRunning(pid), true);
    await system.host.stop();
    for (const pid of pids) assert.equal(isRunning(pid), false, `MCP server process ${pid} outlived the host`);
  });
});
