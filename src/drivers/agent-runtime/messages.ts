/**
 * The conversation an agent keeps with a model, in the shape of a `model.request`'s `messages`
 * (the models driver's contract), and what the runtime does with it: trim a long history to what
 * the model can take, saying what was dropped.
 */
import { z } from 'zod';

export const toolCallSchema = z.object({ id: z.string().min(1), name: z.string().min(1), arguments: z.unknown() });
export type ToolCall = z.infer<typeof toolCallSchema>;

export const messageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: z.string() }),
  z.object({ role: z.literal('user'), content: z.string() }),
  z.object({ role: z.literal('assistant'), content: z.string().optional(), toolCalls: z.array(toolCallSchema).optional() }),
  z.object({ role: z.literal('tool'), toolCallId: z.string(), name: z.string(), content: z.string(), isError: z.boolean().optional() }),
]);
export type Message = z.infer<typeof messageSchema>;

/** A rough token count (about four characters a token in English text): enough to keep a request inside a window. */
export function estimateTokens(messages: readonly Message[]): number {
  let characters = 0;
  for (const message of messages) characters += JSON.stringify(message).length;
  return Math.ceil(characters / 4);
}

/**
 * The history that fits: the newest messages whose estimated size, with `reserved` tokens for the
 * system prompt, the new message and the answer, stays within `windowTokens`. Cuts only before a
 * user message, so a tool result never loses the call it answers. Returns how many were dropped.
 */
export function fitHistory(history: readonly Message[], windowTokens: number, reserved: number): { kept: Message[]; dropped: number } {
  let budget = windowTokens - reserved;
  let start = history.length;
  for (let i = history.length - 1; i >= 0; i -= 1) {
    budget -= estimateTokens([history[i]!]);
    if (budget < 0) break;
    if (history[i]!.role === 'user') start = i;
  }
  return { kept: history.slice(start), dropped: start };
}

/** A tool's result as the model reads it: JSON text, cut to `maxCharacters` with a note. */
export function toolResultText(value: unknown, maxCharacters: number): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
  if (text.length <= maxCharacters) return text;
  return `${text.slice(0, maxCharacters)}\n[cut: the result was ${text.length} characters, the first ${maxCharacters} are shown]`;
}
