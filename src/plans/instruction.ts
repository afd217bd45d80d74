/**
 * An instruction: a workflow as data (the seed's format), written in YAML or JSON. It names a
 * trigger (a cron schedule in a time zone, an event pattern with a CEL condition, or none: run
 * by hand), typed inputs with defaults, and a plan of steps linked by `depends_on`. It compiles
 * (compile.ts) into the DAG a plan runs.
 *
 * Strings in a step's `event`, `arguments`, `inputs` and `until` may hold `{{ expression }}`
 * templates (CEL, see expressions.ts); `condition`, `match` and the trigger's `condition` are
 * CEL expressions.
 */
import { z } from 'zod';
import { eventTypeSchema, isValidTypePattern } from '../kernel/index.js';
import { planDurationSchema } from './duration.js';

export const INSTRUCTION_ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const STEP_ID = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** Plans of this many nodes run (some engines stop at 1,000 steps). */
export const MAX_STEPS = 10_000;
const MAX_EXPRESSION = 2048;

export const instructionIdSchema = z.string().regex(INSTRUCTION_ID, 'must start with a letter and hold 1-64 letters, digits, _ or -');
const stepIdSchema = z.string().regex(STEP_ID, 'must start with a letter and hold 1-64 letters, digits or _ (it is a name in expressions)');
const expressionSchema = z.string().min(1).max(MAX_EXPRESSION);
const patternSchema = z.string().min(1).max(200).refine(isValidTypePattern, 'must be an event type, a "prefix.*" pattern or "*"');

export const inputTypeSchema = z.enum(['string', 'number', 'integer', 'boolean', 'list', 'object', 'any']);
export type InputType = z.infer<typeof inputTypeSchema>;

const inputSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a name of letters, digits and _'),
  type: inputTypeSchema.default('any'),
  description: z.string().max(2000).optional(),
  default: z.unknown().optional(),
  /** Required unless it has a default. */
  required: z.boolean().optional(),
});

const triggerSchema = z
  .strictObject({
    /** Cron pattern (5 fields, or 6 with seconds first), in `timezone`. */
    schedule: z.string().min(1).max(200).optional(),
    timezone: z.string().min(1).max(64).default('UTC'),
    /** A slot missed while no scheduler ran: run once late, or skip it. */
    catchup: z.enum(['once', 'skip']).default('once'),
    /** Start on each of the user's events of this type (or `prefix.*`). */
    event: patternSchema.optional(),
    /** CEL over `event`: only matching events start a plan. */
    condition: expressionSchema.optional(),
    /** Of a burst of matching events within `window`, start one plan: for the first, or for the last. */
    debounce: z.strictObject({ window: planDurationSchema, keep: z.enum(['first', 'last']).default('first') }).optional(),
  })
  .superRefine((trigger, context) => {
    if (trigger.schedule !== undefined && trigger.event !== undefined) context.addIssue({ code: 'custom', path: ['event'], message: 'a trigger is a schedule or an event, not both' });
    if (trigger.event === undefined) {
      for (const field of ['condition', 'debounce'] as const) {
        if (trigger[field] !== undefined) context.addIssue({ code: 'custom', path: [field], message: 'applies to event triggers only' });
      }
    }
  });

const retrySchema = z.strictObject({
  /** Attempts in all, the first included. */
  attempts: z.number().int().min(1).max(20).default(1),
  backoff: planDurationSchema.default(1000),
  factor: z.number().min(1).max(10).default(2),
  max_backoff: planDurationSchema.default(300_000),
});

const common = {
  id: stepIdSchema,
  name: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  depends_on: z.array(stepIdSchema).max(MAX_STEPS).default([]),
  /** CEL over `inputs`, `steps`, `trigger`, `plan`: false skips the step. */
  condition: expressionSchema.optional(),
  retry: retrySchema.optional(),
  timeout: planDurationSchema.optional(),
  /** `fail` the plan (default), `continue` with this step failed, or run the named step. */
  on_failure: z.union([z.literal('fail'), z.literal('continue'), stepIdSchema]).default('fail'),
};

const eventSpecSchema = z.strictObject({ type: eventTypeSchema, data: z.unknown().optional(), subject: z.string().max(512).optional() });

export const stepSchema = z.discriminatedUnion('action', [
  z.strictObject({
    ...common,
    action: z.literal('emit_event'),
    event: eventSpecSchema,
    /** `result`: wait for the handling driver's answer (default); `none`: done once published. */
    wait: z.enum(['result', 'none']).default('result'),
  }),
  z.strictObject({ ...common, action: z.literal('call_tool'), tool: z.string().min(1).max(128), arguments: z.record(z.string(), z.unknown()).default({}) }),
  z.strictObject({
    ...common,
    action: z.literal('wait_for_event'),
    /** The first event matching one of these completes the step. */
    events: z.array(z.strictObject({ type: patternSchema, match: expressionSchema.optional() })).min(1).max(10),
  }),
  z.strictObject({ ...common, action: z.literal('sleep'), duration: planDurationSchema.optional(), until: z.string().min(1).max(MAX_EXPRESSION).optional() }),
  z.strictObject({ ...common, action: z.literal('sub_plan'), instruction: instructionIdSchema, inputs: z.record(z.string(), z.unknown()).default({}) }),
]);
export type Step = z.output<typeof stepSchema>;
export type StepAction = Step['action'];

export const instructionSchema = z.strictObject({
  type: z.literal('instruction').optional(),
  id: instructionIdSchema,
  name: z.string().min(1).max(200).optional(),
  description: z.string().max(4000).optional(),
  author: z.string().max(200).optional(),
  version: z.union([z.string().max(64), z.number()]).optional(),
  trigger: triggerSchema.optional(),
  inputs: z.array(inputSchema).max(100).default([]),
  /** At most this many plans of this instruction run at once per user; later ones queue. */
  concurrency: z.number().int().min(1).max(10_000).optional(),
  /** Named results of a finished plan (templates); by default the outputs of the steps nothing depends on. */
  outputs: z.record(z.string(), z.unknown()).optional(),
  plan: z.array(stepSchema).min(1, 'a plan needs at least one step').max(MAX_STEPS, `a plan has at most ${MAX_STEPS} steps`),
});
export type Instruction = z.output<typeof instructionSchema>;
export type InstructionInput = z.input<typeof instructionSchema>;
export type InstructionTrigger = NonNullable<Instruction['trigger']>;
