/**
 * Shared by every bench: percentiles, the result row every bench returns, and the table that
 * `npm run bench` prints. A row carries its own baseline and target, so the table and
 * bench/results/latest.json say on their own whether a figure is good.
 */

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles of `values` (any order; the input is not modified). */
export function percentiles(values: ArrayLike<number>): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const count = sorted.length;
  if (count === 0) return { count, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  const at = (p: number): number => sorted[Math.min(count - 1, Math.max(0, Math.ceil((p / 100) * count) - 1))] ?? Number.NaN;
  let sum = 0;
  for (const value of sorted) sum += value;
  return { count, p50: at(50), p95: at(95), p99: at(99), max: sorted[count - 1] ?? Number.NaN, mean: sum / count };
}

/** What the adapter benches return: a figure and the raw SDK doing the same calls as its baseline. */
export interface AdapterBenchRow {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  note?: string;
}

/** A target a figure (or its ratio to the baseline) must meet. */
export interface Target {
  /** Which number the target is about. */
  of: 'value' | 'ratio';
  op: '>=' | '<';
  threshold: number;
}

export interface BenchRow {
  bench: string;
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number; unit: string };
  /** value / baseline.value. */
  ratio?: number;
  target?: Target;
  met?: boolean;
  note?: string;
}

/** Builds a row, computing the ratio and whether the target is met. */
export function row(fields: Omit<BenchRow, 'ratio' | 'met'>): BenchRow {
  const out: BenchRow = { ...fields };
  if (fields.baseline && fields.baseline.value !== 0) out.ratio = fields.value / fields.baseline.value;
  if (fields.target) {
    const subject = fields.target.of === 'ratio' ? out.ratio : fields.value;
    out.met = subject !== undefined && (fields.target.op === '>=' ? subject >= fields.target.threshold : subject < fields.target.threshold);
  }
  return out;
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function formatTarget(row: BenchRow): string {
  if (!row.target) return '';
  const { of, op, threshold } = row.target;
  const subject = of === 'ratio' ? 'ratio ' : '';
  const amount = of === 'ratio' && threshold < 1 ? `1/${formatNumber(1 / threshold)}` : formatNumber(threshold);
  return `${subject}${op === '>=' ? '>=' : '<'} ${amount}${of === 'value' ? ` ${row.unit}` : ''}`;
}

/** The table `npm run bench` prints: one line per row, notes underneath. */
export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['bench', 'figure', 'value', 'unit', 'baseline', 'ratio', 'target', 'met?'];
  const lines = rows.map((r) => [
    r.bench,
    r.name,
    formatNumber(r.value),
    r.unit,
    r.baseline ? `${formatNumber(r.baseline.value)} ${r.baseline.unit} (${r.baseline.name})` : '',
    r.ratio === undefined ? '' : formatNumber(r.ratio),
    formatTarget(r),
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]?.length ?? 0)));
  const numeric = new Set([2, 5]);
  const render = (cells: string[]): string =>
    cells.map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const notes = rows.flatMap((r, i) => (r.note ? [`  [${i + 1}] ${r.bench} / ${r.name}: ${r.note}`] : []));
  return [render(header), rule, ...lines.map(render), ...(notes.length > 0 ? ['', 'notes:', ...notes] : [])].join('\n');
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` calls in flight. */
export async function runPool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}
