/**
 * The compiled form of an instruction: the DAG a plan runs. Steps become nodes addressed by
 * their position (`index`), with dependencies and dependents resolved to positions, shorthand
 * expanded and durations in milliseconds. Each node is stored with its own state (plan-state.ts),
 * so a plan of 10,000 nodes is 10,000 small items rather than one large one.
 */
import { z } from 'zod';

export const retryPolicySchema = z.object({ attempts: z.number(), backoffMs: z.number(), factor: z.number(), maxBackoffMs: z.number() });

export const nodeDefinitionSchema = z.object({
  index: z.number().int(),
  id: z.string(),
  name: z.string().optional(),
  action: z.enum(['emit_event', 'call_tool', 'wait_for_event', 'sleep', 'sub_plan']),
  dependsOn: z.array(z.number().int()),
  dependents: z.array(z.number().int()),
  /** Steps whose outputs its templates and condition read (loaded when it starts). */
  reads: z.array(z.number().int()),
  condition: z.string().optional(),
  retry: retryPolicySchema,
  timeoutMs: z.number().optional(),
  /** `fail`, `continue`, or the index of the step to run when this one fails. */
  onFailure: z.union([z.literal('fail'), z.literal('continue'), z.number().int()]),
  /** Runs only when a step naming it in `on_failure` fails. */
  handler: z.boolean(),
  event: z.object({ type: z.string(), data: z.unknown().optional(), subject: z.string().optional() }).optional(),
  wait: z.enum(['result', 'none']).optional(),
  tool: z.string().optional(),
  arguments: z.record(z.string(), z.unknown()).optional(),
  events: z.array(z.object({ type: z.string(), match: z.string().optional() })).optional(),
  durationMs: z.number().optional(),
  until: z.string().optional(),
  instruction: z.string().optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
});
export type NodeDefinition = z.infer<typeof nodeDefinitionSchema>;

export interface InputDefinition {
  name: string;
  type: string;
  default?: unknown;
  required: boolean;
}

export interface PlanDefinition {
  nodes: NodeDefinition[];
  /** Nodes to start first: no dependencies, not failure handlers. */
  roots: number[];
  /** Named outputs of a finished plan (templates), or undefined for the leaves' outputs. */
  outputs?: Record<string, unknown>;
}
