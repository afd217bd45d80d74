/**
 * The signal that wakes a user's live streams: a change of one user's records wakes the waits on
 * that user, not those on anyone else, and a wait that ends (by a change, its time limit or its
 * caller's abort) leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { UserChangeSignal } from '../../src/adapters/user-change-signal.js';

/** Whether `promise` settled within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('UserChangeSignal', () => {
  it("wakes every wait on the users notified, and only those", async () => {
    const signal = new UserChangeSignal();
    const ann = [signal.wait('ann', 60_000), signal.wait('ann', 60_000)];
    const bob = signal.wait('bob', 60_000);
    signal.notify(['ann', 'nobody-waits']);
    assert.equal(await settlesWithin(Promise.all(ann), 1000), true, "both of ann's waits woke");
    assert.equal(await settlesWithin(bob, 50), false, "bob's did not");
    assert.equal(signal.waitingUsers, 1);
    signal.notify(['bob']);
    assert.equal(await settlesWithin(bob, 1000), true);
    assert.equal(signal.waitingUsers, 0);
  });

  it('ends a wait after its time limit or when its caller aborts, and forgets it', async () => {
    const signal = new UserChangeSignal();
    assert.equal(await settlesWithin(signal.wait('ann', 10), 1000), true, 'the time limit ended it');
    const abort = new AbortController();
    const waiting = signal.wait('ann', 60_000, abort.signal);
    abort.abort();
    assert.equal(await settlesWithin(waiting, 1000), true, 'the abort ended it');
    assert.equal(await settlesWithin(signal.wait('ann', 60_000, abort.signal), 1000), true, 'an aborted caller does not wait at all');
    assert.equal(signal.waitingUsers, 0);
  });

  it('a wait begun after a notification waits for the next one', async () => {
    const signal = new UserChangeSignal();
    const first = signal.wait('ann', 60_000);
    signal.notify(['ann']);
    const second = signal.wait('ann', 60_000);
    await first;
    assert.equal(await settlesWithin(second, 50), false);
    signal.notify(['ann']);
    assert.equal(await settlesWithin(second, 1000), true);
  });
});
