/**
 * A driver's recent runs for `GET /api/drivers`: how long the last RUN_WINDOW runs took and how
 * they ended, in two fixed ring buffers. Recording a run is two typed-array stores and an index
 * step (the processor's hot path); sorting for percentiles and judging health happen only when
 * someone reads them. Per process: each instance reports its own runs.
 */
import type { Clock } from '../ports/clock.js';

/** A power of two, so the ring index wraps with a mask. */
export const RUN_WINDOW = 256;
/** Health looks at the most recent runs only, so a driver that recovered soon reads as healthy. */
export const HEALTH_RUNS = 20;

export const RUN_SUCCEEDED = 0;
export const RUN_FAILED = 1;
export const RUN_TIMED_OUT = 2;
export type RunOutcome = typeof RUN_SUCCEEDED | typeof RUN_FAILED | typeof RUN_TIMED_OUT;

/** Milliseconds over the window's runs, every outcome included (a timeout lasts its timeout); null before the first run. */
export interface LatencySummary {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  mean: number | null;
  samples: number;
}

export type DriverHealthStatus = 'ok' | 'idle' | 'degraded' | 'failing';

export interface DriverHealth {
  status: DriverHealthStatus;
  reason: string;
}

export class RunWindow {
  readonly #durations = new Float64Array(RUN_WINDOW);
  readonly #outcomes = new Uint8Array(RUN_WINDOW);
  #next = 0;
  #size = 0;
  /** `performance.now()` at the end of the last run: turned into wall time only when read. */
  #lastEnd = Number.NaN;

  record(durationMs: number, outcome: RunOutcome, endedAt: number): void {
    this.#durations[this.#next] = durationMs;
    this.#outcomes[this.#next] = outcome;
    this.#next = (this.#next + 1) & (RUN_WINDOW - 1);
    if (this.#size < RUN_WINDOW) this.#size += 1;
    this.#lastEnd = endedAt;
  }

  latency(): LatencySummary {
    const size = this.#size;
    if (size === 0) return { p50: null, p95: null, p99: null, mean: null, samples: 0 };
    const sorted = this.#durations.slice(0, size).sort();
    let total = 0;
    for (const duration of sorted) total += duration;
    // Nearest rank: the smallest duration that at least p% of the runs did not exceed.
    const rank = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * size) - 1)] ?? 0;
    return { p50: rank(50), p95: rank(95), p99: rank(99), mean: total / size, samples: size };
  }

  /** The end of the last run on the clock's time line, or null before the first. */
  lastRunAt(clock: Clock): string | null {
    if (Number.isNaN(this.#lastEnd)) return null;
    return new Date(clock.now().getTime() - (performance.now() - this.#lastEnd)).toISOString();
  }

  /**
   * `idle` before the first run; over the last HEALTH_RUNS runs, `failing` when at least half
   * failed or timed out, `degraded` when any did, `ok` otherwise.
   */
  health(lastError: { code: string; message: string } | undefined): DriverHealth {
    const recent = Math.min(this.#size, HEALTH_RUNS);
    if (recent === 0) return { status: 'idle', reason: 'no run since this instance started' };
    let failed = 0;
    let timedOut = 0;
    for (let back = 1; back <= recent; back += 1) {
      const outcome = this.#outcomes[(this.#next - back) & (RUN_WINDOW - 1)];
      if (outcome === RUN_FAILED) failed += 1;
      else if (outcome === RUN_TIMED_OUT) timedOut += 1;
    }
    const bad = failed + timedOut;
    if (bad === 0) return { status: 'ok', reason: `the last ${recent} run${recent === 1 ? '' : 's'} succeeded` };
    const parts = [failed > 0 ? `${failed} failed` : '', timedOut > 0 ? `${timedOut} timed out` : ''].filter((part) => part !== '');
    const last = lastError === undefined ? '' : ` (last error ${lastError.code}: ${lastError.message.slice(0, 200)})`;
    const reason = `of the last ${recent} run${recent === 1 ? '' : 's'}, ${parts.join(' and ')}${last}`;
    return { status: bad * 2 >= recent ? 'failing' : 'degraded', reason };
  }
}
