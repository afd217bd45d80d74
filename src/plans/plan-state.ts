/**
 * What the store keeps of a plan (StateStore, the user's partition):
 *
 *   plan        <planId>                 the header: status, inputs, trigger, counts
 *   plan-node   <planId>/<index, 6 digits>  one node: its definition and its state
 *   plan-blob   <planId>/<index>/<n>/<chunk>  a large output, in chunks (outputs.ts)
 *   plan-watch  <type>|<planId>|<index>     a node waiting for an event of a type (waits.ts)
 *
 * Every change is a read-modify-write with the item's ETag, so two instances advancing the same
 * plan never both apply a transition; the loser reads again and finds it done.
 */
import { z } from 'zod';
import { nodeDefinitionSchema } from './plan-definition.js';

export const PLAN_KIND = 'plan';
export const NODE_KIND = 'plan-node';

export const planStatusSchema = z.enum(['queued', 'running', 'failing', 'completed', 'failed', 'cancelled']);
export type PlanStatus = z.infer<typeof planStatusSchema>;
export const FINISHED_PLAN: ReadonlySet<PlanStatus> = new Set(['completed', 'failed', 'cancelled']);

export const nodeStatusSchema = z.enum(['pending', 'ready', 'running', 'waiting', 'sleeping', 'retrying', 'completed', 'failed', 'skipped', 'cancelled']);
export type NodeStatus = z.infer<typeof nodeStatusSchema>;
/** A node in one of these has work under way: the plan is not finished while any is. */
export const ACTIVE_NODE: ReadonlySet<NodeStatus> = new Set(['running', 'waiting', 'sleeping', 'retrying']);
export const DONE_NODE: ReadonlySet<NodeStatus> = new Set(['completed', 'failed', 'skipped', 'cancelled']);

const errorSchema = z.object({ code: z.string(), message: z.string() });
export type NodeError = z.infer<typeof errorSchema>;

export const attemptSchema = z.object({
  number: z.number().int(),
  /** The request event of this attempt (emit_event, call_tool, sub_plan). */
  requestId: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  status: z.enum(['running', 'completed', 'failed']),
  /** The event that settled it (a driver's answer, a matched event, a timer). */
  settledBy: z.string().optional(),
  error: errorSchema.optional(),
});
export type Attempt = z.infer<typeof attemptSchema>;

export const outputRefSchema = z.object({ chunks: z.number().int(), bytes: z.number().int(), key: z.string() });
export type OutputRef = z.infer<typeof outputRefSchema>;

export const nodeSchema = z.object({
  planId: z.string(),
  def: nodeDefinitionSchema,
  status: nodeStatusSchema,
  /** Which dependencies have finished, one character per position of `def.dependsOn` ('1' arrived). */
  arrived: z.string(),
  attempts: z.array(attemptSchema),
  output: z.unknown().optional(),
  /** A large output lives in chunks elsewhere; `output` is then absent. */
  outputRef: outputRefSchema.optional(),
  error: errorSchema.optional(),
  /** A failed node whose on_failure step completed: its dependents go on as after `continue`. */
  handled: z.boolean().optional(),
  /** A failure handler: the nodes whose failure it handles. */
  handling: z.array(z.number().int()).optional(),
  /** Why a node was skipped (its condition, or the plan's end). */
  reason: z.string().optional(),
  readyAt: z.string().optional(),
  /** When the running attempt gives up (a step timeout, a wait's timeout) or a sleep ends. */
  deadline: z.string().optional(),
  finishedAt: z.string().optional(),
});
export type PlanNode = z.infer<typeof nodeSchema>;

export const planSchema = z.object({
  id: z.string(),
  userId: z.string(),
  instruction: z.object({ id: z.string(), version: z.number().int(), name: z.string().optional() }),
  status: planStatusSchema,
  inputs: z.record(z.string(), z.unknown()),
  trigger: z.object({ id: z.string(), type: z.string(), subject: z.string().optional(), data: z.unknown().optional(), time: z.string() }),
  /** The trigger's correlation: plan events join its trace. */
  correlationId: z.string(),
  /** The depth of the plan's own events (the trigger's + 1): nested plans deepen, a loop meets the guard. */
  depth: z.number().int(),
  nodeCount: z.number().int(),
  /** The nodes that start first. */
  roots: z.array(z.number().int()),
  /** The instruction's limit on its plans running at once (instruction-slots). */
  concurrency: z.number().int().optional(),
  /** Nodes that are not failure handlers: the plan completes when all of them are done. */
  regularCount: z.number().int(),
  /** Regular nodes that are done (bitset.ts): the plan completes when all are. */
  doneBits: z.string(),
  /** Nodes with work under way: a failing plan fails once none is left. */
  activeBits: z.string(),
  /** Failed nodes whose failure fails the plan (on_failure: fail, or a failure handler). */
  failures: z.array(z.string()),
  outputs: z.record(z.string(), z.unknown()).optional(),
  outputTemplates: z.record(z.string(), z.unknown()).optional(),
  /** The nodes the outputs are made of: those the templates read, or up to 20 leaves. */
  outputReads: z.array(z.number().int()),
  /** Sub-plans: the node of the parent plan that waits for this one. */
  parent: z.object({ planId: z.string(), node: z.string() }).optional(),
  error: z.string().optional(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
  /** Runs of the plan: 1, and one more for each retry (the finished event of each run is its own). */
  round: z.number().int(),
});
export type Plan = z.infer<typeof planSchema>;
