/** Reading a provider's retry-after: milliseconds, seconds, or an HTTP date. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { retryAfter } from '../../../src/drivers/models/failures.js';

describe('retryAfter', () => {
  it('prefers retry-after-ms, then reads retry-after as seconds or as a date', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    assert.equal(retryAfter({ 'retry-after-ms': '250.5', 'retry-after': '9' }, now), 251);
    assert.equal(retryAfter({ 'retry-after': '2' }, now), 2000);
    assert.equal(retryAfter({ 'retry-after': '0.5' }, now), 500);
    assert.equal(retryAfter({ 'retry-after': 'Tue, 24 Nov 2026 10:00:30 GMT' }, now), 30_000);
    assert.equal(retryAfter({ 'retry-after': 'Tue, 24 Nov 2026 09:00:00 GMT' }, now), 0);
    assert.equal(retryAfter({ 'retry-after': 'soon' }, now), undefined);
    assert.equal(retryAfter({}, now), undefined);
    assert.equal(retryAfter(undefined, now), undefined);
  });
});
