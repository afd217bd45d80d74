import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { childEventId, deliveryKey, isDeliveryOf, keyedChildEventId, newEventId } from '../../src/kernel/index.js';

const hexTime = (iso: string): string => Date.parse(iso).toString(16).padStart(12, '0');

describe('event ids sort as time does', () => {
  it('a fresh id is a UUIDv7 in hex: the instant in milliseconds first, then random bits', () => {
    const before = Date.now();
    const id = newEventId();
    const after = Date.now();
    assert.match(id, /^evt_[0-9a-f]{32}$/);
    const ms = Number.parseInt(id.slice(4, 16), 16);
    assert.ok(ms >= before && ms <= after, `${ms} within [${before}, ${after}]`);
    assert.equal(id[16], '7', 'version 7');
    assert.ok('89ab'.includes(id[20]!), 'the RFC 9562 variant');
    assert.equal(new Set(Array.from({ length: 10_000 }, newEventId)).size, 10_000);
  });

  it('ids made a millisecond later sort after', async () => {
    const first = newEventId();
    await new Promise((resolve) => setTimeout(resolve, 2));
    assert.ok(newEventId() > first);
  });

  it("a child's id starts with its chain's instant: its parent's, from the parent's id or else its time", () => {
    const root = { id: 'order-17', time: '2026-03-01T12:00:00.000Z' }; // an id a client chose
    const child = childEventId(root, 'mail', 0);
    assert.match(child, /^evt_[0-9a-f]{12}[A-Za-z0-9_-]{24}$/);
    assert.equal(child.slice(4, 16), hexTime(root.time));
    // The grandchild keeps the chain's instant, whatever its own parent's time says.
    const grandchild = childEventId({ id: child, time: '2026-03-01T12:09:00.000Z' }, 'notify', 0);
    assert.equal(grandchild.slice(4, 16), hexTime(root.time));
    const made = newEventId();
    assert.equal(childEventId({ id: made, time: '2030-01-01T00:00:00.000Z' }, 'mail', 0).slice(4, 16), made.slice(4, 16));
  });

  it('is deterministic, and differs by parent, driver, position and key', () => {
    const parent = { id: 'e1', time: '2026-03-01T12:00:00.000Z' };
    assert.equal(childEventId(parent, 'mail', 0), childEventId({ ...parent }, 'mail', 0));
    const ids = [
      childEventId(parent, 'mail', 0),
      childEventId(parent, 'mail', 1),
      childEventId(parent, 'calendar', 0),
      childEventId({ ...parent, id: 'e2' }, 'mail', 0),
      keyedChildEventId(parent, 'mail', '0'),
    ];
    assert.equal(new Set(ids).size, ids.length);
    // The chain's instant orders the id; the digest, not the time, makes it unique: the same
    // parent id with another time (a reused id, which ingest refuses) still gets another id.
    assert.notEqual(childEventId({ ...parent, time: '2026-03-02T12:00:00.000Z' }, 'mail', 0), ids[0]);
  });

  it('a parent whose time cannot be read still gets deterministic children, unordered', () => {
    const parent = { id: 'e1', time: 'not a time' };
    assert.match(childEventId(parent, 'mail', 0), /^evt_[A-Za-z0-9_-]{24}$/);
    assert.equal(childEventId(parent, 'mail', 0), childEventId(parent, 'mail', 0));
  });

  it('children of a later chain sort after those of an earlier one (property)', () => {
    const instant = fc.integer({ min: 0, max: 253_402_300_799_000 }); // up to the year 9999
    fc.assert(
      fc.property(instant, instant, fc.string(), fc.string(), fc.nat(20), (a, b, idA, idB, index) => {
        fc.pre(a < b);
        const early = childEventId({ id: `c-${idA}`, time: new Date(a).toISOString() }, 'd', index);
        const late = childEventId({ id: `c-${idB}`, time: new Date(b).toISOString() }, 'd', index);
        assert.ok(early < late, `${early} < ${late}`);
      }),
      { numRuns: 500 },
    );
  });
});

describe('delivery keys', () => {
  it('are 43 base64url characters, per user and release, keeping an ordered id in front', () => {
    const made = newEventId();
    const key = deliveryKey('alice', made);
    assert.match(key, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(key.slice(0, 12), made.slice(4, 16));
    assert.equal(deliveryKey('alice', made), key);
    assert.notEqual(deliveryKey('bob', made), key);
    assert.notEqual(deliveryKey('alice', made, 'apr_1'), key);
    assert.ok(isDeliveryOf(`${key}.r1`, key) && !isDeliveryOf(`${key}x`, key));
    // An id a client chose keeps the plain digest it always had (keys of queued messages stay valid).
    assert.match(deliveryKey('alice', 'order-17'), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(deliveryKey('alice', 'order-17'), deliveryKey('alice', 'order-17'));
  });
});
