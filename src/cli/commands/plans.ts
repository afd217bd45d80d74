/**
 * `vextir plan run | status | ls | cancel | retry`: plans over /api/instructions and /api/plans.
 * `run` saves an instruction file and starts a plan of it; `status` draws the plan's DAG
 * (plan-graph.ts); `--wait` and `--watch` follow a plan until it ends and exit 1 unless it completed.
 */
import { existsSync } from 'node:fs';
import type { Client } from '../client.js';
import { CliError } from '../cli-error.js';
import { painter } from '../colour.js';
import { parseJsonOption } from '../json-option.js';
import { fetchPlan, followPlan, type PlanState } from '../plan-follow.js';
import { badge, clock, drawPlan, formatDuration } from '../plan-graph.js';
import type { PlanView } from '../plan-layers.js';
import { describeInstruction, saveInstruction } from './instructions.js';

/** How the terminal takes drawings: colour (config.cli.color) and, on a terminal, its size. */
export interface Display {
  color: boolean;
  terminal?: { columns: number; rows: number } | undefined;
}

export interface PlanRunOptions {
  input: readonly string[];
  inputs?: string | undefined;
  wait: boolean;
  json: boolean;
}

export interface PlanListOptions {
  status?: string | undefined;
  instruction?: string | undefined;
  limit?: string | undefined;
  cursor?: string | undefined;
  json: boolean;
}

const INSTRUCTION_ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const write = (line: string): void => void process.stdout.write(`${line}\n`);
const path = (id: string, action = '') => `/api/plans/${encodeURIComponent(id)}${action}`;

/** `--inputs '{...}'` and then each `--input name=value` (a value is JSON when it parses as JSON, else text). */
export function parseInputs(pairs: readonly string[], json: string | undefined): Record<string, unknown> {
  const base = json === undefined ? {} : parseJsonOption('--inputs', json);
  if (base === null || typeof base !== 'object' || Array.isArray(base)) throw new CliError('--inputs must be a JSON object: {"name": value, ...}', 2);
  const inputs: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliError(`--input "${pair}" is not name=value`, 2);
    const text = pair.slice(at + 1);
    let value: unknown = text;
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      // not JSON: the text itself
    }
    inputs[pair.slice(0, at)] = value;
  }
  return inputs;
}

export async function planRunCommand(client: Client, target: string | undefined, options: PlanRunOptions, display: Display): Promise<void> {
  if (!target) throw new CliError('usage: vextir plan run <file.yaml|file.json|instruction id> [--input name=value ...] [--inputs <json>] [--wait] [--json]', 2);
  const inputs = parseInputs(options.input, options.inputs);
  let id = target;
  if (existsSync(target) || !INSTRUCTION_ID.test(target)) {
    const { instruction, created } = await saveInstruction(client, target);
    id = instruction.id;
    if (!options.json) write(`${created ? 'created' : 'updated'} instruction ${describeInstruction(instruction)}`);
  }
  const run = await client.json<{ plan: string; event: string }>('POST', `/api/instructions/${encodeURIComponent(id)}/run`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs }) });
  if (!options.wait) {
    if (options.json) return write(JSON.stringify({ instruction: id, ...run }, null, 2));
    write(`started plan ${run.plan}`);
    return write(`  follow it: vextir plan status ${run.plan} --watch`);
  }
  if (!options.json) write(`started plan ${run.plan}`);
  await followToEnd(client, run.plan, options.json, display, run.event);
}

export async function planStatusCommand(client: Client, id: string | undefined, options: { watch: boolean; json: boolean }, display: Display): Promise<void> {
  if (!id) throw new CliError('usage: vextir plan status <id> [--watch] [--json]', 2);
  if (options.watch) return followToEnd(client, id, options.json, display);
  const state = await fetchPlan(client, id);
  if (state === undefined) throw new CliError(`no plan "${id}" (vextir plan ls lists yours)`);
  if (options.json) return write(JSON.stringify(state, null, 2));
  process.stdout.write(drawPlan(state.plan, state.nodes, { color: display.color, now: new Date(), width: display.terminal?.columns }));
}

export async function planListCommand(client: Client, options: PlanListOptions, display: Display): Promise<void> {
  const query = new URLSearchParams();
  for (const name of ['status', 'instruction', 'limit', 'cursor'] as const) {
    const value = options[name];
    if (value !== undefined) query.set(name, value);
  }
  const { plans, cursor } = await client.json<{ plans: PlanView[]; cursor?: string }>('GET', `/api/plans${query.size > 0 ? `?${query.toString()}` : ''}`);
  if (options.json) return write(JSON.stringify({ plans, ...(cursor !== undefined && { cursor }) }, null, 2));
  if (plans.length === 0) return write(options.status === undefined && options.instruction === undefined ? 'no plans (start one with vextir plan run <file>)' : 'no plans match');
  const paint = painter(display.color);
  const idWidth = Math.max(...plans.map((plan) => plan.id.length));
  const instructionWidth = Math.max(11, ...plans.map((plan) => `${plan.instruction.id} v${plan.instruction.version}`.length));
  write(`${'ID'.padEnd(idWidth)}  ${'STATUS'.padEnd(11)}  ${'INSTRUCTION'.padEnd(instructionWidth)}  ${'DONE'.padStart(11)}  ${'CREATED'.padEnd(20)}  TOOK`);
  for (const plan of plans) {
    const status = badge(plan.status, paint) + ' '.repeat(Math.max(0, 9 - plan.status.length));
    const done = `${plan.progress.done}/${plan.progress.nodes}`;
    const took = plan.finishedAt === undefined ? '' : formatDuration(Date.parse(plan.finishedAt) - Date.parse(plan.startedAt ?? plan.createdAt));
    write(`${plan.id.padEnd(idWidth)}  ${status}  ${`${plan.instruction.id} v${plan.instruction.version}`.padEnd(instructionWidth)}  ${done.padStart(11)}  ${clock(plan.createdAt).padEnd(20)}  ${took}`.trimEnd());
  }
  if (cursor !== undefined) process.stderr.write(`more: vextir plan ls --cursor ${cursor}${options.status === undefined ? '' : ` --status ${options.status}`}${options.instruction === undefined ? '' : ` --instruction ${options.instruction}`}\n`);
}

export async function planCancelCommand(client: Client, id: string | undefined): Promise<void> {
  if (!id) throw new CliError('usage: vextir plan cancel <id>', 2);
  const plan = await client.json<PlanView>('POST', path(id, '/cancel'));
  // The server answers a plan that had already ended with that plan, unchanged.
  if (plan.status !== 'cancelled') throw new CliError(`plan ${id} had already ended (${plan.status}); there is nothing to cancel`);
  write(`cancelled plan ${id} (${plan.progress.done}/${plan.progress.nodes} steps done)`);
}

export async function planRetryCommand(client: Client, id: string | undefined, options: { wait: boolean; json: boolean }, display: Display): Promise<void> {
  if (!id) throw new CliError('usage: vextir plan retry <id> [--wait] [--json]', 2);
  const plan = await client.json<PlanView>('POST', path(id, '/retry'));
  if (!options.json) write(`retrying plan ${id}: its failed steps run again (round ${plan.round ?? '?'})`);
  if (options.wait) return followToEnd(client, id, options.json, display);
  if (options.json) write(JSON.stringify(plan, null, 2));
}

/** Follows the plan to its end; a plan that did not complete makes the command fail. */
async function followToEnd(client: Client, id: string, json: boolean, display: Display, startedBy?: string): Promise<void> {
  const state: PlanState = await followPlan(client, id, { quiet: json, color: display.color, terminal: display.terminal, ...(startedBy !== undefined && { startedBy }) });
  if (json) write(JSON.stringify(state, null, 2));
  const { plan } = state;
  if (plan.status === 'completed') return;
  const hint = plan.status === 'failed' ? [`  retry its failed steps: vextir plan retry ${id}`] : [];
  throw new CliError(`plan ${id} ${plan.status}${plan.error === undefined ? '' : `: ${plan.error}`}`, 1, hint);
}
