/** `vextir dlq ls [--limit]` and `vextir dlq replay <messageId>`: the bus's dead letters (admin token). */
import type { Client } from '../client.js';
import { CliError } from '../cli-error.js';

interface DeadLetterView {
  messageId: string;
  body: unknown;
  reason: string;
  description: string;
  deliveryCount: number;
  deadLetteredAt: string;
}

/** One dead letter per line, then its description indented (it can be a multi-line validation report). */
export async function dlqListCommand(client: Client, limit: string | undefined): Promise<void> {
  const query = limit === undefined ? '' : `?limit=${encodeURIComponent(limit)}`;
  const { deadLetters } = await client.json<{ deadLetters: DeadLetterView[] }>('GET', `/api/admin/dead-letters${query}`);
  if (deadLetters.length === 0) process.stdout.write('no dead letters\n');
  for (const letter of deadLetters) {
    process.stdout.write(`${letter.deadLetteredAt}  ${letter.messageId}  ${letter.reason} (deliveries: ${letter.deliveryCount})  ${summary(letter.body)}\n`);
    if (letter.description !== '') process.stdout.write(`${letter.description.replace(/^/gm, '    ')}\n`);
  }
}

export async function dlqReplayCommand(client: Client, messageId: string | undefined): Promise<void> {
  if (!messageId) throw new CliError('usage: vextir dlq replay <message id>   (the ids are in `vextir dlq ls`)', 2);
  await client.json<{ replayed: string }>('POST', `/api/admin/dead-letters/${encodeURIComponent(messageId)}/replay`);
  process.stdout.write(`${messageId}: back on the queue for a fresh round of deliveries\n`);
}

/** What the body is, in a few words: an event's type and id when it has them. */
function summary(body: unknown): string {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const { type, id, userid } = body as Record<string, unknown>;
    // Whatever the body holds, as text: strings as they are, anything else as JSON.
    const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
    const parts = [type, id, userid === undefined ? undefined : `user=${text(userid)}`].filter((part) => part !== undefined).map(text);
    if (parts.length > 0) return parts.join(' ');
  }
  const text = JSON.stringify(body) ?? String(body);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
