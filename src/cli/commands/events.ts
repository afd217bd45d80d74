import type { Client } from '../client.js';
import { CliError } from '../cli-error.js';
import { formatRecordLine, type RecordView } from '../format.js';

export async function eventsShowCommand(client: Client, id: string | undefined): Promise<void> {
  if (!id) throw new CliError('usage: vextir events show <id>', 2);
  const record = await client.json<RecordView>('GET', `/api/events/${encodeURIComponent(id)}`);
  process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
}

export async function eventsListCommand(client: Client, options: { type?: string | undefined; since?: string | undefined; limit?: string | undefined }): Promise<void> {
  const query = new URLSearchParams();
  if (options.type) query.set('type', options.type);
  if (options.since) query.set('since', options.since);
  if (options.limit) query.set('limit', options.limit);
  const { events } = await client.json<{ events: RecordView[] }>('GET', `/api/events?${query.toString()}`);
  if (events.length === 0) process.stdout.write(`${noEvents(options, client.user?.id)}\n`);
  for (const record of events) process.stdout.write(`${formatRecordLine(record)}\n`);
}

/** Says what was asked for, and for whom when the CLI chose the user: an empty list often means "not as that user". */
function noEvents(options: { type?: string | undefined; since?: string | undefined }, user: string | undefined): string {
  const type = options.type ? ` of type ${options.type}` : '';
  const since = options.since ? ` since ${options.since}` : '';
  return `no events${type}${since}${user === undefined ? '' : ` for ${user}`}`;
}
