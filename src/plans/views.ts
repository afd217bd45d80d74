/**
 * Plans as the API shows them: the header with counts, and a page of nodes with status,
 * attempts, timing and output (inline, or the reference when it was stored apart).
 */
import { countBits } from './bitset.js';
import type { NodeDefinition } from './plan-definition.js';
import type { Plan, PlanNode } from './plan-state.js';

export interface NodeView {
  id: string;
  index: number;
  action: string;
  status: string;
  dependsOn: string[];
  /** The step's input as the instruction wrote it ({{ }} templates unresolved), by action. */
  input: Record<string, unknown>;
  /** The data of the latest attempt's request event: the input after its templates were resolved. */
  resolvedInput?: unknown;
  attempts: PlanNode['attempts'];
  output?: unknown;
  outputRef?: PlanNode['outputRef'];
  error?: PlanNode['error'];
  reason?: string;
  readyAt?: string;
  finishedAt?: string;
  deadline?: string;
  durationMs?: number;
}

export function planView(plan: Plan): Record<string, unknown> {
  const { doneBits, activeBits, outputReads: _reads, outputTemplates: _templates, roots: _roots, ...rest } = plan;
  return { ...rest, progress: { nodes: plan.nodeCount, done: countBits(doneBits), active: countBits(activeBits) } };
}

/** `ids`: node index -> step id, for the dependencies' names. */
export function nodeView(node: PlanNode, ids: ReadonlyMap<number, string>): NodeView {
  const view: NodeView = {
    id: node.def.id,
    index: node.def.index,
    action: node.def.action,
    status: node.status,
    dependsOn: node.def.dependsOn.map((index) => ids.get(index) ?? String(index)),
    input: definedInput(node.def),
    attempts: node.attempts,
  };
  if (node.outputRef !== undefined) view.outputRef = node.outputRef;
  else if (node.output !== undefined) view.output = node.output;
  if (node.error !== undefined) view.error = node.error;
  if (node.reason !== undefined) view.reason = node.reason;
  if (node.readyAt !== undefined) view.readyAt = node.readyAt;
  if (node.finishedAt !== undefined) view.finishedAt = node.finishedAt;
  if (node.deadline !== undefined) view.deadline = node.deadline;
  if (node.readyAt !== undefined && node.finishedAt !== undefined) view.durationMs = new Date(node.finishedAt).getTime() - new Date(node.readyAt).getTime();
  return view;
}

/** What a step acts on, by action; absent fields are left out. */
function definedInput(def: NodeDefinition): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    event: def.event,
    tool: def.tool,
    arguments: def.arguments,
    events: def.events,
    durationMs: def.durationMs,
    until: def.until,
    instruction: def.instruction,
    inputs: def.inputs,
    condition: def.condition,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** The request id of a node's latest attempt, when it made one (sleeps and waits make none). */
export function latestRequestId(node: PlanNode): string | undefined {
  return node.attempts.at(-1)?.requestId;
}
