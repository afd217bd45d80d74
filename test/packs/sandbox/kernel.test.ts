/**
 * End to end through the kernel: a system in memory (queue, event store, audit log, processor,
 * worker) with a sandboxed pack driver registered like any other. An event posted on the bus is
 * handled in the pack's process and its record shows the run; a crash is redelivered and
 * succeeds after the restart; an attempt beyond the grant fails the run and is in the user's
 * audit trail, next to the event's own entries.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { MemoryAuditLog, MemoryEventStore, MemoryQueue } from '../../../src/adapters/memory/index.js';
import { createDriverRegistry } from '../../../src/drivers/index.js';
import { EventProcessor, ingest, QueueWorker, systemClock, type EventRecord } from '../../../src/kernel/index.js';
import { violationAuditDraft } from '../../../src/packs/sandbox/index.js';
import { allowAllAuthorizer } from '../../../src/security/index.js';
import { silentLogger } from '../../helpers/kernel-fixture.js';
import { sandboxedPack, type SandboxedPack } from './helpers.js';

let pack: SandboxedPack;
let worker: QueueWorker;
let outside: string;
const store = new MemoryEventStore();
const audit = new MemoryAuditLog();
const queue = new MemoryQueue({ clock: systemClock });
queue.bindStore(store, audit);

beforeAll(async () => {
  outside = mkdtempSync(join(tmpdir(), 'vextir-outside-'));
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  let violations = 0;
  pack = await sandboxedPack('probe', {
    restart: { baseMs: 50 },
    // The wiring's part: each violation into the audit trail of the event's user.
    onViolation: (violation) => void audit.append([violationAuditDraft(violation, { id: `violation-${(violations += 1)}`, fallbackUserId: 'operator' })]),
  });
  const processor = new EventProcessor({ store, drivers: createDriverRegistry([...pack.sandbox.drivers]), authorizer: allowAllAuthorizer, clock: systemClock, logger: silentLogger, options: { retryBaseMs: 20, retryMaxMs: 100 } });
  worker = new QueueWorker(queue, processor, silentLogger, { concurrency: 4, idleWaitMs: 10, errorDelayMs: 20 });
  worker.start();
});
afterAll(async () => {
  await worker.stop(1000);
  await pack.stop();
  rmSync(outside, { recursive: true, force: true });
});

async function post(id: string, data: Record<string, unknown>): Promise<EventRecord> {
  const time = new Date().toISOString();
  await ingest([{ specversion: '1.0', id, type: 'probe.run', source: '/test', time, userid: 'alice', category: 'input', correlationid: id, depth: 0, data }], { bus: queue, store, clock: systemClock });
  let record: EventRecord | undefined;
  const deadline = Date.now() + 15_000;
  for (;;) {
    record = await store.get('alice', id);
    if (record && record.status !== 'accepted') return record;
    if (Date.now() > deadline) assert.fail(`event ${id} did not settle: ${JSON.stringify(record)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a sandboxed pack driver in the kernel', () => {
  it('handles a posted event; the record shows its run and its output', async () => {
    const record = await post('k1', { action: 'echo', value: 'hi' });
    assert.equal(record.status, 'processed');
    assert.deepEqual(record.drivers.map(({ driver, status }) => ({ driver, status })), [{ driver: 'probe', status: 'succeeded' }]);
    assert.equal(record.children.length, 1);
    const child = await store.get('alice', record.children[0]!);
    assert.equal(child?.event.type, 'probe.done');
    assert.equal(child?.event.producer, 'probe', 'the kernel names the producer');
    assert.equal((child?.event.data as { echo: string }).echo, 'hi');
    assert.deepEqual(record.drivers[0]?.usage, { tokens: 3, costUsd: 0.001 }, 'the usage the driver reported from its process is counted');
  });

  it('redelivers an event whose driver crashed; it succeeds once the process is back', async () => {
    const record = await post('k2', { action: 'exit-first' });
    assert.equal(record.status, 'processed');
    assert.deepEqual(record.drivers.map(({ status, attempt, error }) => ({ status, attempt, retryable: error?.retryable })), [
      { status: 'failed', attempt: 1, retryable: true },
      { status: 'succeeded', attempt: 2, retryable: undefined },
    ]);
    assert.equal(pack.sandbox.stats().restarts, 1);
  });

  it('fails the run of an event during which the pack read outside its grant, and audits the attempt', async () => {
    const record = await post('k3', { action: 'read', path: join(outside, 'secret.txt') });
    assert.equal(record.status, 'failed');
    assert.equal(record.drivers[0]?.error?.code, 'forbidden');
    assert.equal(record.drivers[0]?.error?.retryable, false);
    assert.match(record.drivers[0]?.error?.message ?? '', /pack probe \(driver probe\) was stopped: it read .*secret\.txt/);
    const entries = await audit.list('alice', { eventId: 'k3', limit: 10 });
    const access = entries.find((entry) => entry.kind === 'access');
    assert.deepEqual(
      { action: access?.action, target: access?.target },
      { action: 'pack.fs.read', target: `probe/probe: ${join(outside, 'secret.txt')}` },
    );
    assert.ok(entries.some((entry) => entry.kind === 'event'), "the event's own decision is beside it");
  });
});
