/**
 * Policies are data: one zod schema for a policy, in the product's seed format (`applies_to`,
 * snake_case), with a `config` checked against the policy's `action`. A discriminated union on
 * `action` gives each action its own config type, and zod's issue paths name the offending
 * field (`config.restrictions.models.maxCostPer1kTokens`).
 */
import { z } from 'zod';
import { type PolicyAction, policyActionSchema, restrictionsSchema, throttleWindowSchema, userIdSchema } from '../../kernel/index.js';
import { EXPRESSION_LENGTH_CEILING } from './limits.js';

export { policyActionSchema, type PolicyAction };

export const POLICY_ID = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
/** Priorities from here up are reserved for global policies (budgets, rate limits). */
export const GLOBAL_PRIORITY_FLOOR = 1000;

export const policyIdSchema = z
  .string()
  .regex(POLICY_ID, 'must be 1-64 characters of lower-case letters, digits and _.- (starting with a letter or digit)');

export const notifyTargetSchema = z.enum(['user', 'admin']);
export type NotifyTarget = z.infer<typeof notifyTargetSchema>;

const base = {
  id: policyIdSchema,
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  /**
   * A CEL expression over the environment described in environment.ts. The schema only caps it
   * at the largest length any limits allow; compiling checks it against the limits in force
   * (`maxExpressionLength`, 4096 by default), which can be configured.
   */
  condition: z.string().min(1).max(EXPRESSION_LENGTH_CEILING),
  /** User ids the policy applies to, or '*' for everyone. Ignored for user-scope policies. */
  applies_to: z.array(z.union([z.literal('*'), userIdSchema])).min(1).default(['*']),
  /** Higher runs first. 1000 and above is reserved for global policies. */
  priority: z.number().int().min(-1_000_000).max(1_000_000).default(0),
  enabled: z.boolean().default(true),
};

const reason = z.string().min(1).max(2000);
const message = z.string().min(1).max(2000);

export const policySchema = z.discriminatedUnion('action', [
  z.strictObject({ ...base, action: z.literal('deny'), config: z.strictObject({ reason: reason.optional() }).default({}) }),
  z.strictObject({ ...base, action: z.literal('allow'), config: z.strictObject({}).default({}) }),
  z.strictObject({ ...base, action: z.literal('restrict'), config: z.strictObject({ restrictions: restrictionsSchema }) }),
  z.strictObject({ ...base, action: z.literal('log'), config: z.strictObject({ message: message.optional() }).default({}) }),
  z.strictObject({
    ...base,
    action: z.literal('notify'),
    config: z
      .strictObject({ to: z.array(notifyTargetSchema).min(1).default(['user']), message: message.optional() })
      .default({ to: ['user'] }),
  }),
  z.strictObject({ ...base, action: z.literal('require_approval'), config: z.strictObject({ reason: reason.optional() }).default({}) }),
  /**
   * Delays the event to the start of the next `window` (UTC minute, hour or day) instead of
   * denying it; then it is authorized again. For rate limits: what is over the limit waits.
   */
  z.strictObject({
    ...base,
    action: z.literal('throttle'),
    config: z.strictObject({ window: throttleWindowSchema.default('minute'), reason: reason.optional() }).default({ window: 'minute' }),
  }),
]);
export type Policy = z.infer<typeof policySchema>;
/** A policy as written (defaults not yet applied). */
export type PolicyInput = z.input<typeof policySchema>;
