/**
 * A plan drawn for a terminal: a header line (status, instruction, progress, times), then the
 * DAG in topological layers. Each step shows a status symbol, its attempts, its duration, the
 * steps it waits for (`← a, b`) and an abbreviated output or error. Beyond `detailLimit` steps
 * a layer is one line of counts by status, only failed and running steps are listed, and runs
 * of layers with nothing to list collapse into one line, so 10,000 steps draw in a screenful.
 */
import { abbreviate } from './abbreviate.js';
import { painter, type Paint, type Style } from './colour.js';
import { ACTIVE_NODE, layersOf, type NodeView, type PlanView } from './plan-layers.js';

export interface DrawOptions {
  color: boolean;
  /** For the elapsed time of what is still running. */
  now: Date;
  /** Terminal columns: longer lines are cut to fit. Unset: an output is cut at 100 characters. */
  width?: number | undefined;
  /** Plans with more steps are summarised per layer (default 200). */
  detailLimit?: number;
  /** How many failed or running steps a summary lists in all (default 50). */
  listLimit?: number;
}

const SYMBOLS: Record<string, [symbol: string, style: Style]> = {
  queued: ['○', 'gray'],
  pending: ['·', 'gray'],
  ready: ['○', 'cyan'],
  running: ['▶', 'cyan'],
  waiting: ['◇', 'blue'],
  sleeping: ['◔', 'blue'],
  retrying: ['↻', 'yellow'],
  failing: ['!', 'yellow'],
  completed: ['✓', 'green'],
  failed: ['✗', 'red'],
  skipped: ['↷', 'gray'],
  cancelled: ['⊘', 'magenta'],
};
/** Counts in a summary line, in this order. */
const STATUS_ORDER = ['completed', 'failed', 'running', 'retrying', 'waiting', 'sleeping', 'ready', 'pending', 'skipped', 'cancelled'];
const MAX_ID = 28;
const MAX_DEPS_NAMED = 4;
const MAX_SUMMARY_LINES = 100;

export function drawPlan(plan: PlanView, nodes: readonly NodeView[], options: DrawOptions): string {
  const paint = painter(options.color);
  const lines = [header(plan, paint, options.now)];
  if (plan.error !== undefined) lines.push(`  ${paint('red', `error: ${plan.error}`)}`);
  if (nodes.length === 0) return `${lines.join('\n')}\n`;
  const layers = layersOf(nodes);
  const context: RowContext = { paint, now: options.now, width: options.width, idWidth: Math.min(MAX_ID, Math.max(...nodes.map((node) => node.id.length))) };
  if (nodes.length <= (options.detailLimit ?? 200)) {
    layers.forEach((layer, index) => {
      lines.push(paint('bold', `layer ${index + 1}`));
      for (const node of layer) lines.push(row(node, context));
    });
  } else {
    lines.push(paint('dim', `${nodes.length} steps in ${layers.length} layers: counts per layer, failed and running steps listed`));
    const listLimit = options.listLimit ?? 50;
    const bySameStatuses = summary(layers, context, listLimit, true);
    // Layers whose statuses alternate would take a line each: then merge regardless.
    lines.push(...(bySameStatuses.length <= MAX_SUMMARY_LINES ? bySameStatuses : summary(layers, context, listLimit, false)));
  }
  return `${lines.join('\n')}\n`;
}

function header(plan: PlanView, paint: Paint, now: Date): string {
  const { done, nodes, active } = plan.progress;
  const name = plan.instruction.name === undefined ? '' : ` "${plan.instruction.name}"`;
  const round = (plan.round ?? 1) > 1 ? `  round ${plan.round}` : '';
  const progress = `${done}/${nodes} done${active > 0 ? `, ${active} active` : ''}`;
  return `${badge(plan.status, paint)}  plan ${plan.id}  ${plan.instruction.id} v${plan.instruction.version}${name}  ${progress}${round}  ${times(plan, now)}`;
}

function times(plan: PlanView, now: Date): string {
  if (plan.status === 'queued') return `queued ${clock(plan.createdAt)}`;
  // The server may not say when a plan started: one that did not wait in a queue started when it was created.
  const started = plan.startedAt ?? plan.createdAt;
  const took = formatDuration((plan.finishedAt === undefined ? now.getTime() : Date.parse(plan.finishedAt)) - Date.parse(started));
  return `started ${clock(started)}, ${plan.finishedAt === undefined ? `running for ${took}` : `took ${took}`}`;
}

interface RowContext {
  paint: Paint;
  now: Date;
  width: number | undefined;
  idWidth: number;
}

function row(node: NodeView, { paint, now, width, idWidth }: RowContext): string {
  const attempts = node.attempts.length === 0 ? '' : `${node.attempts.length} attempt${node.attempts.length === 1 ? '' : 's'}`;
  const named = node.dependsOn.slice(0, MAX_DEPS_NAMED).join(', ');
  const deps = node.dependsOn.length === 0 ? '' : `← ${named}${node.dependsOn.length > MAX_DEPS_NAMED ? ` +${node.dependsOn.length - MAX_DEPS_NAMED}` : ''}  `;
  const id = node.id.length > idWidth ? `${node.id.slice(0, idWidth - 1)}…` : node.id.padEnd(idWidth);
  const columns = `${id}  ${node.status.padEnd(9)}  ${attempts.padEnd(11)} ${duration(node, now).padStart(7)}  ${deps}`;
  const room = width === undefined ? 100 : Math.max(10, width - 4 - columns.length);
  const [text, style] = detail(node, room);
  const cut = text.length > room ? `${text.slice(0, room - 1)}…` : text;
  const [symbol, symbolStyle] = SYMBOLS[node.status] ?? ['?', 'gray'];
  return `  ${paint(symbolStyle, symbol)} ${columns}${cut === '' ? '' : paint(style, cut)}`.trimEnd();
}

/** What a step produced or why it did not: output, error, the reason it was skipped, what it waits for. */
function detail(node: NodeView, room: number): [string, Style] {
  const last = node.attempts[node.attempts.length - 1];
  if (node.status === 'failed' || node.status === 'cancelled') {
    const error = node.error ?? last?.error;
    return [error === undefined ? (node.reason ?? '') : `${error.code}: ${error.message}`, node.status === 'failed' ? 'red' : 'magenta'];
  }
  if (node.status === 'retrying') return [`${last?.error === undefined ? '' : `${last.error.code}: ${last.error.message}; `}next attempt ${node.deadline === undefined ? 'soon' : `at ${clock(node.deadline)}`}`, 'yellow'];
  if (node.status === 'sleeping') return [node.deadline === undefined ? 'sleeping' : `until ${clock(node.deadline)}`, 'blue'];
  if (node.status === 'waiting') return [`waiting for an event${node.deadline === undefined ? '' : ` until ${clock(node.deadline)}`}`, 'blue'];
  if (node.status === 'skipped') return [node.reason ?? '', 'gray'];
  if (node.outputRef !== undefined) return [`(output stored apart: ${formatBytes(node.outputRef.bytes)})`, 'dim'];
  if (node.output !== undefined) return [abbreviate(node.output, room), 'dim'];
  return ['', 'dim'];
}

function duration(node: NodeView, now: Date): string {
  if (node.durationMs !== undefined) return formatDuration(node.durationMs);
  const since = node.attempts[0]?.startedAt ?? node.readyAt;
  if (since === undefined || !ACTIVE_NODE.has(node.status)) return '';
  return `${formatDuration(now.getTime() - Date.parse(since))}…`;
}

function summary(layers: readonly NodeView[][], context: RowContext, listLimit: number, sameStatuses: boolean): string[] {
  const lines: string[] = [];
  let listed = 0;
  let notable = 0;
  // Consecutive layers with nothing listed (and, if `sameStatuses`, the same statuses) share one line.
  let quiet: { from: number; to: number; counts: Map<string, number>; steps: number; statuses: string } | undefined;
  const flush = () => {
    if (quiet === undefined) return;
    lines.push(summaryLine(quiet.from === quiet.to ? `layer ${quiet.from}` : `layers ${quiet.from}-${quiet.to}`, quiet.steps, quiet.counts, context.paint));
    quiet = undefined;
  };
  layers.forEach((layer, index) => {
    const counts = new Map<string, number>();
    for (const node of layer) counts.set(node.status, (counts.get(node.status) ?? 0) + 1);
    const shown = layer.filter((node) => node.status === 'failed' || ACTIVE_NODE.has(node.status)).sort((a, b) => Number(b.status === 'failed') - Number(a.status === 'failed'));
    notable += shown.length;
    const room = Math.max(0, listLimit - listed);
    const statuses = sameStatuses ? [...counts.keys()].sort().join() : '';
    if (shown.length === 0 || room === 0) {
      if (quiet?.statuses !== statuses) flush();
      quiet ??= { from: index + 1, to: index + 1, counts: new Map(), steps: 0, statuses };
      quiet.to = index + 1;
      quiet.steps += layer.length;
      for (const [status, count] of counts) quiet.counts.set(status, (quiet.counts.get(status) ?? 0) + count);
      return;
    }
    flush();
    lines.push(summaryLine(`layer ${index + 1}`, layer.length, counts, context.paint));
    for (const node of shown.slice(0, room)) lines.push(row(node, context));
    listed += Math.min(room, shown.length);
  });
  flush();
  if (notable > listed) lines.push(context.paint('dim', `… ${notable - listed} more failed or running steps not listed (--json shows every step)`));
  return lines;
}

function summaryLine(label: string, steps: number, counts: ReadonlyMap<string, number>, paint: Paint): string {
  const parts = STATUS_ORDER.filter((status) => counts.has(status)).map((status) => paint(SYMBOLS[status]![1], `${symbolOf(status)} ${counts.get(status)} ${status}`));
  return `${paint('bold', label)}  ${steps} step${steps === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

function symbolOf(status: string): string {
  return SYMBOLS[status]?.[0] ?? '?';
}

/** The plan's status as its symbol and word, in its colour. */
export function badge(status: string, paint: Paint): string {
  const [symbol, style] = SYMBOLS[status] ?? ['?', 'gray'];
  return paint(style, `${symbol} ${status}`);
}

/** `2025-06-01T10:00:00.123Z` as `2025-06-01 10:00:00Z`. */
export function clock(iso: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z` : iso;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}m`;
  return `${Math.floor(seconds / 86_400)}d${String(Math.floor(seconds / 3600) % 24).padStart(2, '0')}h`;
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
