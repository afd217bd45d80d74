/**
 * `vextir dlq ls [--limit]` and `vextir dlq replay <messageId>... | --all`: the bus's dead letters
 * (admin token). The API replays one message a request, so several are replayed one after the
 * other with progress; a failure is reported and the rest still replayed (exit 1 at the end).
 */
import type { Client } from '../client.js';
import { CliError } from '../cli-error.js';
import { createProgress } from '../progress.js';

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

export interface ReplayOptions {
  /** Every dead letter `dlq ls --limit` would list (default 100, at most 500), not named ones. */
  all: boolean;
  limit: string | undefined;
  /** stderr is a terminal: a redrawn progress line. */
  terminal: boolean;
}

export async function dlqReplayCommand(client: Client, messageIds: readonly string[], options: ReplayOptions): Promise<void> {
  if (options.all === (messageIds.length > 0)) throw new CliError('usage: vextir dlq replay <message id>... | --all [--limit <n>]   (the ids are in `vextir dlq ls`)', 2);
  const ids = options.all ? await listedIds(client, options.limit) : messageIds;
  if (ids.length === 0) return void process.stdout.write('no dead letters\n');
  const [only] = ids;
  if (ids.length === 1 && only !== undefined && !options.all) {
    await replay(client, only);
    return void process.stdout.write(`${only}: back on the queue for a fresh round of deliveries\n`);
  }
  const progress = createProgress({ label: 'replaying', total: ids.length, terminal: options.terminal, write: (text) => void process.stderr.write(text) });
  const failed: string[] = [];
  for (const id of ids) {
    try {
      await replay(client, id);
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      failed.push(`  ${id}: ${error.message}`);
    }
    progress.advance();
  }
  progress.finish(failed.length === 0 ? '' : `, ${failed.length} failed`);
  process.stdout.write(`${ids.length - failed.length} of ${ids.length} back on the queue for a fresh round of deliveries\n`);
  if (failed.length > 0) throw new CliError(`${failed.length} could not be replayed:`, 1, failed);
}

async function replay(client: Client, messageId: string): Promise<void> {
  await client.json<{ replayed: string }>('POST', `/api/admin/dead-letters/${encodeURIComponent(messageId)}/replay`);
}

/** Listed once: a replayed message that fails again is dead-lettered anew, and must not be replayed in a loop. */
async function listedIds(client: Client, limit: string | undefined): Promise<string[]> {
  const query = limit === undefined ? '' : `?limit=${encodeURIComponent(limit)}`;
  const { deadLetters } = await client.json<{ deadLetters: DeadLetterView[] }>('GET', `/api/admin/dead-letters${query}`);
  return deadLetters.map((letter) => letter.messageId);
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
