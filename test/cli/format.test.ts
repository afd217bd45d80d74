/** The CLI's one-line view of an event (`vextir events ls`, `vextir tail`). */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { formatRecordLine } from '../../src/cli/format.js';

describe('formatRecordLine', () => {
  it('says when a throttled event runs, and how often a rate limit delayed it', () => {
    const line = formatRecordLine({ id: 'e1', type: 'demo.ping', status: 'throttled', updatedAt: '2026-03-02T10:00:10.000Z', throttle: { runAt: '2026-03-02T10:01:00.456Z', count: 2 } });
    assert.equal(line, '10:00:10.000 throttled     demo.ping                e1 runs at 2026-03-02T10:01:00.456Z (throttled 2x)');
  });

  it('says nothing of a past throttle once the event ran', () => {
    const line = formatRecordLine({ id: 'e1', type: 'demo.ping', status: 'processed', updatedAt: '2026-03-02T10:01:00.500Z', throttle: { runAt: '2026-03-02T10:01:00.456Z', count: 1 } });
    assert.equal(line, '10:01:00.500 processed     demo.ping                e1');
  });
});
