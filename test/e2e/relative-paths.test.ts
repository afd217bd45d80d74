/**
 * A context path without its leading slash (`Notes/first`) is treated the same way by every
 * entry point: refused, with one message that suggests `/Notes/first` — by the CLI's context
 * and grants commands (before anything is sent), the HTTP API (`?prefix=`, a move's `to`,
 * grants), and `context.*` events (denied by the ACL and answered with `event.denied`, or
 * answered with `context.error` for a query's or a search's prefix).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { CliError } from '../../src/cli/cli-error.js';
import type { Client } from '../../src/cli/client.js';
import { contextCommand } from '../../src/cli/commands/context.js';
import { grantAddCommand, grantRemoveCommand, grantsListCommand } from '../../src/cli/commands/grants.js';
import { normalizeContextPath } from '../../src/security/index.js';
import { startTestSystem, type RecordBody, type TestSystem } from '../helpers/local-system.js';
import { vextirEntry } from '../helpers/vextir-entry.js';

const RELATIVE = (path: string) => new RegExp(`the context path "${path}" is relative; it must start with "/" \\(did you mean "/${path.replace(/\/$/, '')}"\\?\\)`);

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
  const put = await system.request('ida', 'PUT', '/api/context/Notes/first', { body: 'hello', headers: { 'content-type': 'text/plain' } });
  assert.equal(put.status, 201);
});
afterAll(() => system.stop());

it('the one normalization suggests the absolute spelling only when there is one', () => {
  assert.throws(() => normalizeContextPath('Notes/first'), RELATIVE('Notes/first'));
  assert.throws(() => normalizeContextPath('Notes/'), RELATIVE('Notes/'));
  assert.throws(() => normalizeContextPath('./Notes'), (error: Error) => /relative/.test(error.message) && !/did you mean/.test(error.message));
  assert.equal(normalizeContextPath('/Notes/first/'), '/Notes/first');
});

describe('the CLI refuses it before sending anything, whatever the command', () => {
  const offline: Client = {
    baseUrl: 'http://127.0.0.1:9',
    user: undefined,
    request: () => assert.fail('nothing may be sent'),
    json: () => assert.fail('nothing may be sent'),
    failOnProblem: () => assert.fail('nothing may be sent'),
  };
  const commands: Array<[string, () => Promise<void>]> = [
    ['context get', () => contextCommand(offline, ['get', 'Notes/first'], {})],
    ['context put', () => contextCommand(offline, ['put', 'Notes/first'], { text: 'hi' })],
    ['context ls', () => contextCommand(offline, ['ls', 'Notes/first'], {})],
    ['context query', () => contextCommand(offline, ['query', 'Notes/first'], {})],
    ['context search --prefix', () => contextCommand(offline, ['search', 'hello'], { prefix: 'Notes/first' })],
    ['context rm', () => contextCommand(offline, ['rm', 'Notes/first'], {})],
    ['context mv (from)', () => contextCommand(offline, ['mv', 'Notes/first', '/Notes/second'], {})],
    ['context mv (to)', () => contextCommand(offline, ['mv', '/Notes/second', 'Notes/first'], {})],
    ['context versions', () => contextCommand(offline, ['versions', 'Notes/first'], {})],
    ['context restore', () => contextCommand(offline, ['restore', 'Notes/first', '1'], {})],
    ['context mkdir', () => contextCommand(offline, ['mkdir', 'Notes/first'], {})],
    ['grants add', () => grantAddCommand(offline, ['Notes/first', 'user:bob', 'read'])],
    ['grants rm', () => grantRemoveCommand(offline, ['Notes/first', 'user:bob'])],
    ['grants ls --path', () => grantsListCommand(offline, 'Notes/first')],
  ];
  for (const [name, run] of commands) {
    it(name, async () => {
      await assert.rejects(run(), (error: unknown) => error instanceof CliError && error.exitCode === 2 && RELATIVE('Notes/first').test(error.message));
    });
  }

  it('says so as a process, too', async () => {
    const { VEXTIR_TOKEN: _token, ...inherited } = process.env;
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [...vextirEntry(), 'context', 'get', 'Notes/first', '--url', system.url], { env: { ...inherited, VEXTIR_DATA_DIR: system.dataDir, VEXTIR_USER: 'ida' } }, (error, _stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stderr }),
      );
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`^vextir: ${RELATIVE('Notes/first').source}`));
  });
});

describe('the HTTP API refuses it with 400 naming the parameter', () => {
  async function refused(response: Response, where: { field?: string; pointer?: string }, path = 'Notes'): Promise<void> {
    const problem = (await response.json()) as { status: number; detail: string; errors?: Array<{ field?: string; pointer?: string; reason: string }> };
    assert.equal(response.status, 400, JSON.stringify(problem));
    const issue = problem.errors?.find((error) => (where.field !== undefined ? error.field === where.field : error.pointer === where.pointer));
    assert.ok(issue, JSON.stringify(problem));
    assert.match(issue.reason, RELATIVE(path));
  }

  it('GET /api/context?prefix= (query and search)', async () => {
    await refused(await system.request('ida', 'GET', '/api/context?prefix=Notes'), { field: 'prefix' });
    await refused(await system.request('ida', 'GET', '/api/context?prefix=Notes&where=kind%20%3D%20%22document%22'), { field: 'prefix' });
    await refused(await system.request('ida', 'GET', '/api/context?search=hello&prefix=Notes'), { field: 'prefix' });
    assert.equal((await system.request('ida', 'GET', '/api/context?prefix=/Notes')).status, 200);
  });

  it('a move\'s target', async () => {
    await refused(await system.request('ida', 'POST', '/api/context/Notes/first?action=move', { body: { to: 'Notes/second' } }), { field: 'to' }, 'Notes/second');
  });

  it('grants: PUT, GET and DELETE /api/grants', async () => {
    await refused(await system.request('ida', 'PUT', '/api/grants', { body: { path: 'Notes', grantee: 'user:bob', access: 'read' } }), { pointer: '/path' });
    await refused(await system.request('ida', 'GET', '/api/grants?path=Notes'), { field: 'path' });
    await refused(await system.request('ida', 'DELETE', '/api/grants?path=Notes&grantee=user:bob'), { field: 'path' });
  });
});

describe('context.* events: refused and answered', () => {
  async function answer(type: string, data: Record<string, unknown>): Promise<{ request: RecordBody; answer: { type: string; data: Record<string, unknown> } }> {
    const request = await system.settled('ida', await system.emit('ida', type, data));
    assert.equal(request.children.length, 1, JSON.stringify(request));
    const child = await system.settled('ida', request.children[0]!);
    return { request, answer: child.event as unknown as { type: string; data: Record<string, unknown> } };
  }

  for (const [type, data, field] of [
    ['context.read', { path: 'Notes/first' }, 'path'],
    ['context.write', { path: 'Notes/first', content: 'x' }, 'path'],
    ['context.delete', { path: 'Notes/first' }, 'path'],
    ['context.list', { path: 'Notes/first' }, 'path'],
    ['context.move', { path: '/Notes/first', to: 'Notes/first' }, 'to'],
  ] as const) {
    it(`${type} with a relative ${field}: denied by the ACL, answered with event.denied`, async () => {
      const { request, answer: denied } = await answer(type, data);
      assert.equal(request.status, 'denied');
      assert.equal(denied.type, 'event.denied');
      assert.match(String(denied.data['reason']), new RegExp(`^data\\.${field}: ${RELATIVE('Notes/first').source}`));
    });
  }

  for (const [type, data] of [
    ['context.query', { prefix: 'Notes/first' }],
    ['context.search', { text: 'hello', prefix: 'Notes/first' }],
  ] as const) {
    it(`${type} with a relative prefix: answered with context.error`, async () => {
      const { request, answer: error } = await answer(type, data);
      assert.equal(request.status, 'processed');
      assert.equal(error.type, 'context.error');
      assert.equal(error.data['code'], 'invalid_input');
      assert.match(String(error.data['message']), RELATIVE('Notes/first'));
    });
  }
});
