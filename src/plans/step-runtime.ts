/**
 * What a plan's steps need from outside the plan while they advance (activation.ts): the clock,
 * the output store, the tool registry through the wiring, and a step's default result timeout;
 * and the request a step renders, which the engine publishes after the transition's writes.
 */
import type { OutputStore } from './outputs.js';

/** Turns a tool call into the event that asks for it (the tool registry, through the wiring). */
export interface PlanTools {
  has(name: string): boolean;
  /** Validates the arguments; throws KernelError `invalid_input` when they do not fit. */
  toEvent(name: string, args: Record<string, unknown>): { type: string; data: unknown };
}

export interface StepRuntime {
  now(): Date;
  outputs: OutputStore;
  tools: PlanTools;
  /** How long a step waits for its result when it sets no timeout (undefined: as long as it takes). */
  resultTimeoutMs: number | undefined;
}

/** A node's request as the transition rendered it (the engine publishes it after the writes). */
export interface RenderedRequest {
  type: string;
  data?: unknown;
  subject?: string;
}
