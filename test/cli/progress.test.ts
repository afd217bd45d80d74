/** The progress of long CLI operations: a redrawn line on a terminal, periodic plain lines elsewhere. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createProgress, progressLine } from '../../src/cli/progress.js';

function recorder(terminal: boolean, options: { everyMs?: number; redrawMs?: number } = {}) {
  let clock = 0;
  const out: string[] = [];
  const progress = createProgress({ label: 'emitting', total: 1000, terminal, write: (text) => out.push(text), now: () => clock, ...options });
  return { progress, out, tick: (ms: number) => (clock += ms) };
}

describe('progressLine', () => {
  it('shows done/total and percent, then rate and ETA once time has passed', () => {
    assert.equal(progressLine('emitting', 0, 1000, 0), 'emitting 0/1000    0%');
    assert.equal(progressLine('emitting', 400, 1000, 2000), 'emitting 400/1000   40%  200/s  ETA 3.0s');
    assert.equal(progressLine('replaying', 3, 10, 1000), 'replaying 3/10   30%  3.0/s  ETA 2.3s');
    assert.equal(progressLine('importing', 10, 100_000, 1000), 'importing 10/100000    0%  10/s  ETA 166m39s');
  });
});

describe('createProgress', () => {
  it('on a terminal: one line redrawn in place, at most every redrawMs, cleared by the summary', () => {
    const { progress, out, tick } = recorder(true);
    for (let i = 0; i < 10; i++) {
      tick(50);
      progress.advance(100);
    }
    progress.finish();
    assert.ok(out.slice(0, -1).every((text) => text.startsWith('\r\u001b[2K') && !text.includes('\n')), JSON.stringify(out));
    assert.equal(out.length, 1 + 5, 'redrawn every 100 ms of the 500 (the first at once), plus the summary');
    assert.equal(out.at(-1), '\r\u001b[2Kemitting done: 1000/1000 in 0.5s (2000/s)\n');
  });

  it('elsewhere: a plain line at most every everyMs, then the summary; no escape codes', () => {
    const { progress, out, tick } = recorder(false, { everyMs: 1000 });
    for (let i = 0; i < 10; i++) {
      tick(300);
      progress.advance(100);
    }
    progress.finish(', 2 failed');
    assert.deepEqual(out, [
      'emitting 100/1000   10%  333/s  ETA 2.7s\n',
      'emitting 500/1000   50%  333/s  ETA 1.5s\n',
      'emitting 900/1000   90%  333/s  ETA 0.3s\n',
      'emitting done: 1000/1000 in 3.0s (333/s), 2 failed\n',
    ]);
  });

  it('an operation done in one step prints the summary only', () => {
    const { progress, out } = recorder(false);
    progress.advance(1000);
    progress.finish();
    assert.deepEqual(out, ['emitting done: 1000/1000 in 0.0s (1000/s)\n']);
  });
});
