/**
 * Conversations: an agent's messages with one user under one conversation id, in the
 * StateStore, so a follow-up event with the same id continues where the last run ended. A run
 * adds its user message and its final answer once (runs already added are remembered), so a
 * redelivered final step does not repeat them.
 */
import { z } from 'zod';
import { isKernelError, KernelError, type StateStore } from '../../kernel/index.js';
import { messageSchema, type Message } from './messages.js';

export const CONVERSATION_KIND = 'agent-conversation';
/** Runs remembered per conversation, to add each once. */
const REMEMBERED_RUNS = 50;
/** Messages kept per conversation (each run trims what it sends to its model's window anyway). */
const MAX_MESSAGES = 400;

const conversationSchema = z.object({ messages: z.array(messageSchema), runs: z.array(z.string()) });

export class ConversationStore {
  constructor(private readonly state: StateStore) {}

  async messages(userId: string, agentId: string, conversationId: string): Promise<Message[]> {
    const item = await this.state.get(userId, CONVERSATION_KIND, key(agentId, conversationId));
    return item ? conversationSchema.parse(item.value).messages : [];
  }

  /** Appends a run's exchange, once per run. */
  async append(userId: string, agentId: string, conversationId: string, runId: string, added: readonly Message[]): Promise<void> {
    for (let round = 0; round < 8; round += 1) {
      const item = await this.state.get(userId, CONVERSATION_KIND, key(agentId, conversationId));
      const current = item ? conversationSchema.parse(item.value) : { messages: [], runs: [] };
      if (current.runs.includes(runId)) return;
      const next = {
        messages: [...current.messages, ...added].slice(-MAX_MESSAGES),
        runs: [...current.runs, runId].slice(-REMEMBERED_RUNS),
      };
      try {
        await this.state.put(userId, CONVERSATION_KIND, key(agentId, conversationId), next, item ? { ifMatch: item.etag } : { ifNoneMatch: '*' });
        return;
      } catch (error) {
        if (!isKernelError(error, 'precondition_failed')) throw error;
      }
    }
    throw new KernelError('conflict', `conversation ${conversationId} kept changing under this update`, { retryable: true });
  }
}

function key(agentId: string, conversationId: string): string {
  return `${agentId}\n${conversationId}`;
}
