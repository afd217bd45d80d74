/**
 * The replies a `model.request` can get, as the runtime reads them: the models driver's
 * `model.response` or `model.error`, or the kernel's `event.denied` (a budget or a policy said
 * no), `error` (the models driver failed) or `approval.requested` (a policy wants a person to
 * approve the call). Lenient objects: the runtime reads what it needs and ignores the rest.
 */
import { z } from 'zod';
import { toolCallSchema } from './messages.js';

const responseData = z.object({
  model: z.string(),
  provider: z.string(),
  selection: z.unknown().optional(),
  message: z.object({ content: z.string().default(''), toolCalls: z.array(toolCallSchema).default([]) }),
  output: z.unknown().optional(),
  finishReason: z.string().default('unknown'),
  usage: z.object({ inputTokens: z.number().default(0), outputTokens: z.number().default(0), costUsd: z.number().default(0) }),
  latencyMs: z.number().default(0),
});

export const modelReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('model.response'), data: responseData }),
  z.object({ type: z.literal('model.error'), data: z.object({ code: z.string(), message: z.string() }) }),
  z.object({ type: z.literal('event.denied'), data: z.object({ reason: z.string() }) }),
  z.object({ type: z.literal('error'), data: z.object({ message: z.string() }) }),
  z.object({ type: z.literal('approval.requested'), data: z.unknown() }),
]);
export type ModelReply = z.infer<typeof modelReplySchema>;
