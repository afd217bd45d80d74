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
  const { events } = await client.json<{ events: RecordView[] }>('GET', `/api/events?${query}`);
  for (const record of events) process.stdout.write(`${formatRecordLine(record)}\n`);
}
