/**
 * The count of each user's delayed events: one counter per slot (the window start an event was
 * delayed to), moved by the processor, read at ingress over the slots near now. An error (a move
 * counted twice, or lost) stays in its slot, which stops being read once it has passed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import type { DelayedSlot } from '../../src/kernel/index.js';
import { DELAYED_KIND, DelayedEvents } from '../../src/security/usage/index.js';
import { TestClock } from '../helpers/kernel-fixture.js';

const NOW = new Date('2026-11-24T22:57:42.000Z');
const slot = (window: DelayedSlot['window'], iso: string): DelayedSlot => ({ window, start: new Date(iso) });
const NEXT_MINUTE = slot('minute', '2026-11-24T22:58:00.000Z');
const NEXT_HOUR = slot('hour', '2026-11-24T23:00:00.000Z');
const NEXT_DAY = slot('day', '2026-11-25T00:00:00.000Z');

function setup() {
  const clock = new TestClock(NOW);
  const state = new MemoryStateStore({ clock });
  return { clock, state, delayed: new DelayedEvents(state) };
}

describe('DelayedEvents', () => {
  it('counts events per user over the slots they wait for, and says when the earliest comes', async () => {
    const { delayed } = setup();
    for (let i = 0; i < 3; i += 1) await delayed.moved('ann', { to: NEXT_MINUTE });
    await delayed.moved('ann', { to: NEXT_DAY });
    await delayed.moved('bo', { to: NEXT_HOUR });
    assert.deepEqual(await delayed.count('ann', NOW), { events: 4, nextSlot: NEXT_MINUTE.start });
    assert.deepEqual(await delayed.count('bo', NOW), { events: 1, nextSlot: NEXT_HOUR.start });
    assert.deepEqual(await delayed.count('cy', NOW), { events: 0 });
  });

  it('moves an event from slot to slot, and out when it ran', async () => {
    const { delayed } = setup();
    await delayed.moved('ann', { to: NEXT_MINUTE });
    const inTheSlot = new Date('2026-11-24T22:58:01.000Z');
    const after = slot('minute', '2026-11-24T22:59:00.000Z');
    await delayed.moved('ann', { from: NEXT_MINUTE, to: after }); // throttled again
    assert.deepEqual(await delayed.count('ann', inTheSlot), { events: 1, nextSlot: after.start });
    await delayed.moved('ann', { from: after }); // admitted
    assert.deepEqual(await delayed.count('ann', new Date('2026-11-24T22:59:01.000Z')), { events: 0 });
  });

  it('still counts a slot that came due while its events wait to be reached, for a minute', async () => {
    const { delayed } = setup();
    await delayed.moved('ann', { to: NEXT_MINUTE });
    assert.equal((await delayed.count('ann', new Date('2026-11-24T22:58:30.000Z'))).events, 1, 'the current minute');
    assert.equal((await delayed.count('ann', new Date('2026-11-24T22:59:30.000Z'))).events, 1, 'the minute before');
    assert.equal((await delayed.count('ann', new Date('2026-11-24T23:00:30.000Z'))).events, 0, 'older: an error there stops counting');
  });

  it('does not let a slot below zero (a lost increment) hide the events of others', async () => {
    const { delayed } = setup();
    await delayed.moved('ann', { from: NEXT_MINUTE });
    await delayed.moved('ann', { to: NEXT_HOUR });
    assert.deepEqual(await delayed.count('ann', NOW), { events: 1, nextSlot: NEXT_HOUR.start });
  });

  it('lets a slot\'s counter expire a day and an hour after its slot started', async () => {
    const { clock, state, delayed } = setup();
    await delayed.moved('ann', { to: NEXT_MINUTE });
    assert.equal((await state.list('ann', DELAYED_KIND, { limit: 10 })).length, 1);
    clock.advance(NEXT_MINUTE.start.getTime() - NOW.getTime() + 25 * 60 * 60_000);
    assert.deepEqual(await state.list('ann', DELAYED_KIND, { limit: 10 }), []);
  });
});
