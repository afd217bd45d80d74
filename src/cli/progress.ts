/**
 * Progress of a long CLI operation (bulk emit, dead-letter replay, context import), on stderr so
 * stdout keeps the results. On a terminal: one line redrawn in place (done/total, percent, rate,
 * ETA), at most every `redrawMs`. Elsewhere (a pipe, a CI log): a plain line at most every
 * `everyMs`, so a log shows the operation is alive without a line per item. Both end with one
 * summary line.
 */

export interface ProgressOptions {
  /** What is being done, e.g. `emitting` (the line reads `emitting 40/100 ...`). */
  label: string;
  total: number;
  /** True on a terminal: redraw one line; false: periodic plain lines. */
  terminal: boolean;
  write: (text: string) => void;
  /** Milliseconds, monotonic (performance.now by default): tests pass their own. */
  now?: () => number;
  /** Plain mode: at most one line per this many ms (default 2000). */
  everyMs?: number;
  /** Terminal mode: at most one redraw per this many ms (default 100). */
  redrawMs?: number;
}

export interface Progress {
  /** `count` more items are done. */
  advance(count?: number): void;
  /** The last line: `<label> done: n/total in 1.2s (r/s)` and `extra` (e.g. `, 2 failed`). */
  finish(extra?: string): void;
}

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const { label, total, terminal, write } = options;
  const started = now();
  let done = 0;
  let lastShown = -Infinity;
  let drawn = false;
  const show = (): void => {
    const at = now();
    if (at - lastShown < (terminal ? (options.redrawMs ?? 100) : (options.everyMs ?? 2000))) return;
    lastShown = at;
    const line = progressLine(label, done, total, at - started);
    if (terminal) {
      write(`\r\u001b[2K${line}`);
      drawn = true;
    } else {
      write(`${line}\n`);
    }
  };
  return {
    advance(count = 1) {
      done += count;
      if (done < total) show();
    },
    finish(extra = '') {
      const elapsed = now() - started;
      write(`${terminal && drawn ? '\r\u001b[2K' : ''}${label} done: ${done}/${total} in ${seconds(elapsed)} (${rate(done, elapsed)})${extra}\n`);
    },
  };
}

/** `emitting 400/1000  40%  812/s  ETA 1s`: the rate and ETA once a little time has passed. */
export function progressLine(label: string, done: number, total: number, elapsedMs: number): string {
  const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
  const parts = [`${label} ${done}/${total}`, `${String(percent).padStart(3)}%`];
  if (elapsedMs >= 200 && done > 0) {
    parts.push(rate(done, elapsedMs));
    parts.push(`ETA ${seconds(((total - done) * elapsedMs) / done)}`);
  }
  return parts.join('  ');
}

function rate(done: number, elapsedMs: number): string {
  if (elapsedMs <= 0) return `${done}/s`;
  const perSecond = (done * 1000) / elapsedMs;
  return `${perSecond >= 10 ? Math.round(perSecond) : perSecond.toFixed(1)}/s`;
}

function seconds(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const whole = Math.round(ms / 1000);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}
