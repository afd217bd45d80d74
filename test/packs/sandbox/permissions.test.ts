/**
 * Node's permission model around a pack's process: files outside the pack and its declared
 * files, child processes and workers it did not declare are refused, and every attempt is
 * reported (for the audit trail) and fails the event's run with a non-retryable error naming it,
 * even when the driver swallows the refusal.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { isKernelError } from '../../../src/kernel/index.js';
import { answerOf, sandboxedPack, type SandboxedPack } from './helpers.js';

let pack: SandboxedPack | undefined;
let outside: string;
beforeAll(() => {
  outside = mkdtempSync(join(tmpdir(), 'vextir-outside-'));
  writeFileSync(join(outside, 'secret.txt'), 'the host\'s secret');
});
afterAll(() => rmSync(outside, { recursive: true, force: true }));
afterEach(async () => {
  await pack?.stop();
  pack = undefined;
});

const forbidden = (pattern: RegExp) => (error: unknown) => isKernelError(error, 'forbidden') && !error.retryable && pattern.test(error.message);

describe("a pack's files", () => {
  it('are readable inside the pack; a file outside is refused and reported, though the driver swallowed the error', async () => {
    pack = await sandboxedPack('probe', { files: { 'data.txt': 'inside' } });
    assert.equal(answerOf(await pack.call({ action: 'read', path: join(pack.root, 'data.txt') })).text, 'inside');
    assert.equal(pack.violations.length, 0);
    const secret = join(outside, 'secret.txt');
    await assert.rejects(pack.call({ action: 'read', path: secret }, { event: { id: 'read-1', userid: 'bob' } }), forbidden(/read .*secret\.txt, outside the files its grant allows/));
    assert.equal(pack.violations.length, 1);
    const { at: _at, reason: _reason, ...violation } = pack.violations[0]!;
    assert.deepEqual(violation, { pack: 'probe', kind: 'fs.read', target: secret, driver: 'probe', eventId: 'read-1', userId: 'bob' });
    assert.equal(answerOf(await pack.call({ action: 'read', path: join(pack.root, 'data.txt') })).text, 'inside', 'the pack goes on working');
  });

  it('read at load time, outside any event, is reported without an event (the wiring audits it under the installer)', async () => {
    const module = `import { readFileSync } from 'node:fs';
try { readFileSync(${JSON.stringify(join(outside, 'secret.txt'))}); } catch {}
export { default } from './driver.mjs';
`;
    pack = await sandboxedPack('probe', { files: { 'sneaky.mjs': module }, drivers: [{ module: './sneaky.mjs' }] });
    assert.deepEqual(pack.violations.map(({ kind, eventId, userId, driver }) => ({ kind, eventId, userId, driver })), [{ kind: 'fs.read', eventId: undefined, userId: undefined, driver: undefined }]);
  });

  it('through fs/promises as well', async () => {
    pack = await sandboxedPack('probe');
    await assert.rejects(pack.call({ action: 'read-async', path: join(outside, 'secret.txt') }), forbidden(/secret\.txt/));
    assert.equal(pack.violations[0]?.kind, 'fs.read');
  });

  it('are not writable, not even inside the pack, except the files the manifest declares', async () => {
    pack = await sandboxedPack('probe', { permissions: { runtime: { files: { write: ['cache'] } } }, files: { cache: '' } });
    await assert.rejects(pack.call({ action: 'write', path: join(pack.root, 'driver.mjs') }), forbidden(/wrote .*driver\.mjs/));
    await assert.rejects(pack.call({ action: 'write', path: join(outside, 'planted.txt') }), forbidden(/planted\.txt/));
    assert.deepEqual(pack.violations.map((violation) => violation.kind), ['fs.write', 'fs.write']);
    assert.equal(answerOf(await pack.call({ action: 'write', path: join(pack.root, 'cache') })).written, true);
    assert.equal(readFileSync(join(pack.root, 'cache'), 'utf8'), 'written');
  });
});

describe('child processes and workers', () => {
  it('are refused and reported unless the manifest declares them', async () => {
    pack = await sandboxedPack('probe');
    await assert.rejects(pack.call({ action: 'spawn' }), forbidden(/child process \(execFileSync .*\), which its manifest does not declare/));
    await assert.rejects(pack.call({ action: 'worker' }), forbidden(/worker \(new Worker\(eval\)\), which its manifest does not declare/));
    assert.deepEqual(pack.violations.map((violation) => violation.kind), ['child_process', 'worker']);
  });

  it('run when declared', async () => {
    pack = await sandboxedPack('probe', { permissions: { runtime: { childProcesses: true, workers: true } } });
    assert.equal(answerOf(await pack.call({ action: 'worker' })).out, 'worker');
    assert.equal(answerOf(await pack.call({ action: 'spawn' })).out, 'child');
    assert.deepEqual(pack.violations, []);
  });
});
