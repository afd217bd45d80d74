/**
 * Reading a plan with all its nodes (GET /api/plans/{id} in pages), and following one until it
 * ends: polling, sooner at first and less often as it runs on (and for large plans), redrawing
 * in place on a terminal and printing a new drawing only when something changed otherwise.
 */
import type { Client } from './client.js';
import { CliError } from './cli-error.js';
import type { RecordView } from './format.js';
import { drawPlan } from './plan-graph.js';
import { FINISHED_PLAN, type NodeView, type PlanView } from './plan-layers.js';

export interface PlanState {
  plan: PlanView;
  nodes: NodeView[];
}

const PAGE = 1000;

/** The plan and every node (`nodes: false`: the header and one node, for a cheap status check). */
export async function fetchPlan(client: Client, id: string, nodes = true): Promise<PlanState | undefined> {
  const path = `/api/plans/${encodeURIComponent(id)}`;
  const first = await client.request('GET', `${path}?limit=${nodes ? PAGE : 1}`);
  if (first.status === 404) return undefined;
  await client.failOnProblem(first);
  const page = (await first.json()) as PlanState & { nextNodes?: number };
  const state: PlanState = { plan: page.plan, nodes: page.nodes };
  for (let after = nodes ? page.nextNodes : undefined; after !== undefined; ) {
    const next = await client.json<PlanState & { nextNodes?: number }>('GET', `${path}?limit=${PAGE}&nodes_after=${after}`);
    state.nodes.push(...next.nodes);
    after = next.nextNodes;
  }
  return state;
}

export interface FollowOptions {
  /** Print nothing while following (the caller prints the end as JSON). */
  quiet: boolean;
  color: boolean;
  /** A terminal's size: redraw in place; unset: print each changed drawing below the last. */
  terminal?: { columns: number; rows: number } | undefined;
  /** The event that starts the plan: while the plan does not exist yet, its record says why. */
  startedBy?: string;
  write?: (text: string) => void;
}

/** Polls until the plan is completed, failed or cancelled; returns its last state. */
export async function followPlan(client: Client, id: string, options: FollowOptions): Promise<PlanState> {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  let interval = 200;
  let shown = '';
  let rowsDrawn = 0;
  for (;;) {
    const state = await fetchPlan(client, id, !options.quiet);
    if (state === undefined) {
      if (options.startedBy === undefined) throw new CliError(`no plan "${id}"`);
      await notStarted(client, id, options.startedBy);
    } else {
      const finished = FINISHED_PLAN.has(state.plan.status);
      if (!options.quiet) {
        const { terminal } = options;
        const draw = (color: boolean) => drawPlan(state.plan, state.nodes, { color, now: new Date(), width: terminal?.columns });
        if (terminal !== undefined) {
          write(`${erase(rowsDrawn, terminal.rows)}${draw(options.color)}`);
          rowsDrawn = rowsOf(draw(false), terminal.columns);
        } else if (signature(state) !== shown) {
          write(`${shown === '' ? '' : '\n'}${draw(options.color)}`);
          shown = signature(state);
        }
      }
      if (finished) return options.quiet ? ((await fetchPlan(client, id)) ?? state) : state;
      interval = Math.min(maxInterval(state.plan.progress.nodes), Math.round(interval * 1.5));
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** The plan exists once its `instruction.run` event is processed: refused or failed, it never will. */
async function notStarted(client: Client, planId: string, eventId: string): Promise<void> {
  const response = await client.request('GET', `/api/events/${encodeURIComponent(eventId)}`);
  if (response.status === 404) return;
  await client.failOnProblem(response);
  const record = (await response.json()) as RecordView;
  if (record.status === 'denied' || record.status === 'failed' || record.status === 'dead_lettered') {
    const why = record.error !== undefined ? `${record.error.code}: ${record.error.message}` : record.decision !== undefined ? `by ${record.decision.authorizer}: ${record.decision.reason}` : 'see vextir events show';
    throw new CliError(`plan ${planId} did not start: its event ${eventId} was ${record.status} (${why})`);
  }
}

/**
 * Takes the cursor back over the last drawing and clears it (as log-update does), or clears the
 * screen when the drawing was taller than it: the cursor cannot move above the top row.
 */
function erase(rows: number, height: number): string {
  if (rows === 0) return '';
  return rows < height ? `\u001b[${rows}F\u001b[J` : '\u001b[2J\u001b[H';
}

/** Screen rows a plain drawing takes, long lines wrapping. */
function rowsOf(plain: string, columns: number): number {
  return plain.split('\n').slice(0, -1).reduce((rows, line) => rows + Math.max(1, Math.ceil(line.length / Math.max(1, columns))), 0);
}

/** What a drawing shows apart from the clock: a new drawing is printed only when this changes. */
function signature({ plan, nodes }: PlanState): string {
  return JSON.stringify([plan.status, plan.progress, plan.round, nodes.map((node) => [node.status, node.attempts.length])]);
}

/** 2 s between polls for most plans; up to 10 s for very large ones, since each poll reads every node. */
function maxInterval(nodes: number): number {
  return Math.min(10_000, Math.max(2000, nodes));
}
