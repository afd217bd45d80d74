/** `vextir tail`'s line: layout, colour on and off, cutting to the terminal's width. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { painter } from '../../src/cli/colour.js';
import { cut, formatTailLine, shortId, type TailRecord } from '../../src/cli/tail-line.js';

const plain = painter(false);
/** An SGR colour code (built from a string: a regex literal with ESC trips no-control-regex). */
const SGR = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');
const ping: TailRecord = { id: 'e1', type: 'demo.ping', status: 'processed', updatedAt: '2026-03-02T10:00:10.123Z', event: { userid: 'alice', data: { hello: 'world' } } };
const denied: TailRecord = {
  id: 'evt_0123456789abcdef0123456789abcdef',
  type: 'ops.stop',
  status: 'denied',
  updatedAt: '2026-03-02T10:00:11.000Z',
  decision: { authorizer: 'policy-engine', reason: 'quiet hours' },
  event: { userid: 'alice', data: {} },
};

describe('formatTailLine', () => {
  it('shows time, status, type, id and the data', () => {
    assert.equal(formatTailLine(ping, { paint: plain }), '10:00:10 ✓ processed demo.ping          e1           {"hello":"world"}');
  });

  it('marks a decision at a glance: symbol, word and why', () => {
    const line = formatTailLine(denied, { paint: plain });
    assert.equal(line, '10:00:11 ⊘ denied    ops.stop           …56789abcdef by policy-engine: quiet hours');
    const throttled = formatTailLine({ ...ping, status: 'throttled', throttle: { runAt: '2026-03-02T10:01:00.000Z', count: 2 } }, { paint: plain });
    assert.match(throttled, /◔ throttled .* runs at 10:01:00 \(throttled 2x\)$/);
    const parked = formatTailLine({ ...ping, status: 'awaiting_approval', decision: { authorizer: 'policy-engine', reason: 'r', approval: { id: 'ap_1', reason: 'big spend' } } }, { paint: plain });
    assert.match(parked, /\? approval .* approval ap_1: big spend$/);
    const failed = formatTailLine({ ...ping, status: 'failed', error: { code: 'driver_failed', message: 'boom' } }, { paint: plain });
    assert.match(failed, /✗ failed .* driver_failed: boom$/);
  });

  it('colours the status and the decision, and only when asked', () => {
    const line = formatTailLine(denied, { paint: painter(true) });
    assert.ok(line.includes('\u001b[31m⊘\u001b[39m'), line);
    assert.ok(line.includes('\u001b[31mby policy-engine: quiet hours\u001b[39m'), line);
    assert.equal(line.replaceAll(SGR, ''), formatTailLine(denied, { paint: plain }));
    assert.ok(!formatTailLine(denied, { paint: plain }).includes('\u001b'));
  });

  it('cuts the summary to the width, before colour, with an ellipsis', () => {
    const long: TailRecord = { ...ping, event: { data: { text: 'x'.repeat(500) } } };
    for (const width of [70, 80, 120]) {
      const line = formatTailLine(long, { paint: plain, width });
      assert.equal(Array.from(line).length, width);
      assert.ok(line.endsWith('…'));
      const coloured = formatTailLine(long, { paint: painter(true), width });
      assert.equal(coloured.replaceAll(SGR, ''), line);
    }
    assert.equal(formatTailLine(ping, { paint: plain, width: 200 }), formatTailLine(ping, { paint: plain }));
  });

  it("names the owner of another user's event, never the viewer's own", () => {
    assert.ok(!formatTailLine(ping, { paint: plain, viewer: 'alice' }).includes('@'));
    assert.match(formatTailLine(ping, { paint: plain, viewer: 'root' }), / e1 +@alice /);
    assert.match(formatTailLine({ ...ping, userId: 'bob' }, { paint: plain }), / @bob /);
  });
});

describe('shortId and cut', () => {
  it('keeps short ids whole and ends of long ones', () => {
    assert.equal(shortId('e1'), 'e1');
    assert.equal(shortId('abcdefghijkl'), 'abcdefghijkl');
    assert.equal(shortId('evt_0123456789abcdef0123456789abcdef'), '…56789abcdef');
  });

  it('makes one line and marks a cut', () => {
    assert.equal(cut('a\nb\r\n  c', 80), 'a b c');
    assert.equal(cut('abcdef', 4), 'abc…');
    assert.equal(cut('abcdef', 0), '');
  });
});
