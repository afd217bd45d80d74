/**
 * A pack's drivers run in a process of their own and answer events as in-process drivers do:
 * the manifest the child reported, the context forwarded (attempt, idempotency key,
 * restrictions, usage, logs), the options of a factory export, errors and their retry decision.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'vitest';
import { isKernelError, type Logger } from '../../../src/kernel/index.js';
import { answerOf, sandboxedPack, type SandboxedPack } from './helpers.js';

let pack: SandboxedPack | undefined;
afterEach(async () => {
  await pack?.stop();
  pack = undefined;
});

describe('a sandboxed pack driver', () => {
  it('runs in another process and answers events with the context the kernel gave it', async () => {
    const logs: Array<{ fields: unknown; message: string }> = [];
    pack = await sandboxedPack('probe', { driverOptions: { greeting: 'hello' } });
    const [driver] = pack.sandbox.drivers;
    assert.equal(driver!.manifest.id, 'probe');
    assert.deepEqual(driver!.manifest.capabilities, ['probe.run']);
    assert.equal(driver!.manifest.resources.timeout, 2000, 'the manifest the child reported, parsed by the kernel schema');
    const ignore = (): void => undefined;
    const logger: Logger = { debug: ignore, warn: ignore, error: ignore, info: (fields: unknown, message?: string) => void logs.push({ fields, message: message ?? '' }), child: () => logger };
    const answer = answerOf(await pack.call({ action: 'echo', value: [1, 'two'] }, { attempt: 3, idempotencyKey: 'alice:e1:probe', restrictions: { external: false }, logger }));
    assert.deepEqual(answer.echo, [1, 'two']);
    assert.equal(answer.attempt, 3);
    assert.equal(answer.key, 'alice:e1:probe');
    assert.deepEqual(answer.restrictions, { external: false });
    assert.equal(answer.greeting, 'hello', 'the factory got the options');
    assert.notEqual(answer.pid, process.pid, 'another process');
    assert.equal(answer.pid, pack.sandbox.stats().pid);
    assert.deepEqual(pack.usage, [{ tokens: 3, costUsd: 0.001 }]);
    assert.equal(logs.length, 1);
    assert.equal(logs[0]!.message, 'echoing');
    assert.equal((logs[0]!.fields as { eventId: string }).eventId, 'e1');
  });

  it('handles events concurrently, each answer to its own call', async () => {
    pack = await sandboxedPack('probe');
    const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => pack!.call({ action: 'echo', value: index })));
    assert.deepEqual(answers.map((outputs) => answerOf(outputs).echo), Array.from({ length: 20 }, (_, index) => index));
  });

  it("keeps a driver's error and its retry decision", async () => {
    pack = await sandboxedPack('probe');
    await assert.rejects(pack.call({ action: 'fail' }), (error) => isKernelError(error, 'driver_failed') && !error.retryable && /failed on purpose/.test(error.message));
    await assert.rejects(pack.call({ action: 'fail', kernel: true }), (error) => isKernelError(error, 'unavailable') && error.retryable);
    assert.equal(pack.sandbox.stats().restarts, 0, 'an error is not a crash');
  });

  it('refuses to start a pack whose module is missing or exports no driver, saying which', async () => {
    await assert.rejects(sandboxedPack('probe', { drivers: [{ module: './missing.mjs' }] }), (error) => isKernelError(error, 'invalid_input') && /missing\.mjs/.test(error.message));
    await assert.rejects(sandboxedPack('probe', { drivers: [{ module: './vextir-pack.yaml' }] }), (error) => isKernelError(error) && /vextir-pack\.yaml/.test(error.message));
  });

  it("refuses a manifest the kernel's schema does not accept", async () => {
    const bad = "export default { manifest: { id: 'Bad Id', name: 'x', version: '1', type: 'tool', capabilities: [] }, handle: async () => [] };\n";
    await assert.rejects(
      sandboxedPack('probe', { files: { 'bad.mjs': bad }, drivers: [{ module: './bad.mjs' }] }),
      (error) => isKernelError(error, 'invalid_input') && /bad\.mjs.*invalid manifest/s.test(error.message),
    );
  });

  it('stops cleanly: the process ends and later calls are refused', async () => {
    pack = await sandboxedPack('probe');
    const { pid } = pack.sandbox.stats();
    await pack.sandbox.stop();
    assert.equal(pack.sandbox.stats().state, 'stopped');
    assert.throws(() => process.kill(pid!, 0), /ESRCH/, 'the process is gone');
    await assert.rejects(pack.call({ action: 'echo' }), (error) => isKernelError(error, 'shutting_down'));
  });
});
