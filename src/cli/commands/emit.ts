import type { Client } from '../client.js';
import { CliError } from '../cli-error.js';
import { parseJsonOption } from '../json-option.js';

export interface EmitOptions {
  data?: string | undefined;
  id?: string | undefined;
  source?: string | undefined;
  subject?: string | undefined;
}

/** Publishes one event as a structured CloudEvent, like any HTTP client would. */
export async function emitCommand(client: Client, type: string | undefined, options: EmitOptions): Promise<void> {
  if (!type) throw new CliError('usage: vextir emit <type> [--data <json>] [--id <id>] [--source <uri>] [--subject <text>]', 2);
  const data = options.data === undefined ? undefined : parseJsonOption('--data', options.data);
  const event = {
    specversion: '1.0',
    id: options.id ?? `cli-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    source: options.source ?? '/cli',
    type,
    ...(options.subject === undefined ? {} : { subject: options.subject }),
    ...(data === undefined ? {} : { datacontenttype: 'application/json', data }),
  };
  const result = await client.json<{ ids: string[]; duplicates?: string[] }>('POST', '/api/events', {
    headers: { 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify(event),
  });
  for (const id of result.ids) process.stdout.write(`${result.duplicates?.includes(id) ? 'already accepted' : 'accepted'} ${id}\n`);
}
