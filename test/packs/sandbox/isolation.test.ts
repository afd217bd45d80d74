/**
 * A pack's crash or hang never takes the host down: the events in flight fail retryably (the
 * bus redelivers them), the process is killed and restarted with an exponential back-off, and
 * the next event succeeds. A child that breaks the protocol is a violation, not a host failure.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'vitest';
import { isKernelError, KernelError } from '../../../src/kernel/index.js';
import { answerOf, driverContext, eventually, sandboxedPack, type SandboxedPack } from './helpers.js';

let pack: SandboxedPack | undefined;
afterEach(async () => {
  await pack?.stop();
  pack = undefined;
});

const retryable = (pattern: RegExp) => (error: unknown) => isKernelError(error) && error.retryable && pattern.test(error.message);
const fast = { restart: { baseMs: 50, maxMs: 2000 }, cancelGraceMs: 300 };

describe("a pack process's crash", () => {
  it('fails the events in flight retryably, and the process is restarted for the next one', async () => {
    pack = await sandboxedPack('probe', fast);
    const firstPid = pack.sandbox.stats().pid;
    const inFlight = pack.call({ action: 'ignore-cancel' });
    await assert.rejects(pack.call({ action: 'exit' }), retryable(/process ended while handling the event \(exit code 3\); it is restarted/));
    await assert.rejects(inFlight, retryable(/exit code 3/), 'another event in flight fails too, to be redelivered');
    assert.equal(answerOf(await pack.call({ action: 'echo' })).action, 'echo', 'the next event waits for the restart and succeeds');
    const stats = pack.sandbox.stats();
    assert.notEqual(stats.pid, firstPid);
    assert.equal(stats.restarts, 1);
    assert.equal(stats.lastExit, 'exit code 3');
  });

  it('is the same for an uncaught exception in driver code', async () => {
    pack = await sandboxedPack('probe', fast);
    await assert.rejects(pack.call({ action: 'throw-later' }), retryable(/process ended/));
    assert.equal(answerOf(await pack.call({ action: 'echo' })).action, 'echo');
  });

  it('restarts after a back-off that doubles while crashes follow each other', async () => {
    pack = await sandboxedPack('probe', { ...fast, restart: { baseMs: 150, maxMs: 5000 } });
    const restartTimes: number[] = [];
    for (let crash = 0; crash < 3; crash += 1) {
      await assert.rejects(pack.call({ action: 'exit' }));
      const crashedAt = performance.now();
      await pack.call({ action: 'echo' });
      restartTimes.push(performance.now() - crashedAt);
    }
    assert.equal(pack.sandbox.stats().consecutiveFailures, 3);
    // 150, 300, 600 ms of back-off (plus the start of a process each time).
    assert.ok(restartTimes[0]! >= 140 && restartTimes[1]! >= 290 && restartTimes[2]! >= 590, `restarts took ${restartTimes.map(Math.round).join(', ')} ms`);
    assert.ok(restartTimes[2]! > restartTimes[0]!, 'the back-off grew');
  });
});

describe("a pack process's hang", () => {
  it('a driver stuck in a loop is killed at its timeout, fails retryably, and the process is restarted', async () => {
    pack = await sandboxedPack('probe', { ...fast, driverOptions: { timeout: '500ms' } });
    const started = performance.now();
    await assert.rejects(pack.call({ action: 'busy' }), (error) => isKernelError(error, 'driver_timeout') && error.retryable);
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 450 && elapsed < 2000, `failed after ${Math.round(elapsed)} ms`);
    await eventually(() => pack!.sandbox.stats().restarts === 1, 5000, 'the restart');
    assert.match(pack.sandbox.stats().lastExit ?? '', /killed: driver probe did not stop within 300 ms of being cancelled/);
    assert.equal(answerOf(await pack.call({ action: 'echo' })).action, 'echo');
  });

  it("the kernel's abort (its timeout, a shutdown) cancels the call in the child", async () => {
    pack = await sandboxedPack('probe', fast);
    const controller = new AbortController();
    const call = pack.sandbox.drivers[0]!.handle(
      { specversion: '1.0', id: 'a1', type: 'probe.run', source: '/t', time: new Date().toISOString(), userid: 'alice', category: 'input', correlationid: 'a1', depth: 0, data: { action: 'ignore-cancel' } },
      driverContext({ signal: controller.signal }),
    );
    controller.abort(new KernelError('driver_timeout', 'the kernel gave up'));
    await assert.rejects(call, (error) => isKernelError(error, 'driver_timeout') && /the kernel gave up/.test(error.message));
    // The driver ignores its signal: after the grace period the process is replaced.
    await eventually(() => pack!.sandbox.stats().restarts === 1, 5000, 'the restart');
  });

  it('a process that stops answering the heartbeat is killed long before a lenient timeout', async () => {
    pack = await sandboxedPack('probe', { ...fast, heartbeat: { intervalMs: 50, timeoutMs: 300 }, driverOptions: { timeout: '1m' } });
    const call = pack.call({ action: 'busy' });
    await assert.rejects(call, retryable(/did not answer the heartbeat within 300 ms/));
    await eventually(() => pack!.sandbox.stats().restarts === 1, 5000, 'the restart');
  });
});

describe('a child that breaks the protocol', () => {
  it('writing a line that is not JSON is a violation; the host kills it and goes on', async () => {
    pack = await sandboxedPack('probe', fast);
    await assert.rejects(pack.call({ action: 'garbage' }), retryable(/process ended/));
    assert.deepEqual(pack.violations.map(({ kind, reason }) => ({ kind, reason })), [{ kind: 'protocol', reason: 'a line that is not JSON' }]);
    assert.equal(answerOf(await pack.call({ action: 'echo' })).action, 'echo');
  });

  it('a JSON message the protocol does not allow is a violation too', async () => {
    pack = await sandboxedPack('probe', fast);
    await assert.rejects(pack.call({ action: 'bad-message' }), retryable(/broke the protocol: a message the protocol does not allow/));
    assert.deepEqual(pack.violations.map((violation) => violation.kind), ['protocol']);
    assert.equal(answerOf(await pack.call({ action: 'echo' })).action, 'echo');
  });

  it('an oversized message is cut off at the bound, a violation', async () => {
    pack = await sandboxedPack('probe', { ...fast, maxMessageChars: 64 * 1024 });
    await assert.rejects(pack.call({ action: 'oversized', size: 1024 * 1024 }), retryable(/broke the protocol: a message of more than 65536 characters/));
    assert.equal(pack.violations[0]?.kind, 'protocol');
    assert.equal(answerOf(await pack.call({ action: 'echo' })).action, 'echo');
  });
});

describe("a pack process's memory", () => {
  it('is capped by the memory option, or by the largest memory its drivers declare from the first restart on', async () => {
    const limitOf = async (): Promise<number> => answerOf(await pack!.call({ action: 'heap' })).limitMb as number;
    pack = await sandboxedPack('probe', { ...fast, memory: '96MB' });
    assert.ok((await limitOf()) < 200, 'the option applies from the start');
    await pack.stop();
    pack = await sandboxedPack('probe', { ...fast, driverOptions: { memory: '64MB' } });
    const before = await limitOf();
    await assert.rejects(pack.call({ action: 'exit' }));
    const after = await limitOf();
    assert.ok(after < 200 && after < before, `heap limit ${before} MB at the first start, ${after} MB after the restart`);
  });
});
