/**
 * `vextir emit <type> --count N` and `vextir emit [<type>] --data-file events.jsonl`: many
 * events through POST /api/events' batch ingest (application/cloudevents-batch+json, 100 a
 * request: the server's default VEXTIR_MAX_BATCH), with progress on stderr.
 *
 * Ids are `<prefix>-<n>` (n counts from 1 in the order given) unless a line has its own, the
 * prefix being --id or one made up per run: a run repeated with the same --id after a failure
 * is taken in once, its already accepted events reported as duplicates. A 429 (too many events
 * wait for a rate limit) is waited out as its Retry-After says, and the batch sent again.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '../client.js';
import { CliError } from '../cli-error.js';
import { parseJsonOption } from '../json-option.js';
import { createProgress } from '../progress.js';

export const BATCH_SIZE = 100;

export interface BulkEmitOptions {
  type: string | undefined;
  data?: string | undefined;
  dataFile?: string | undefined;
  count?: string | undefined;
  id?: string | undefined;
  source?: string | undefined;
  subject?: string | undefined;
  json: boolean;
  /** stderr is a terminal: a redrawn progress line. */
  terminal: boolean;
}

type CloudEvent = Record<string, unknown> & { id: string; type: string };

export async function bulkEmitCommand(client: Client, options: BulkEmitOptions): Promise<void> {
  const events = bulkEvents(options);
  const progress = createProgress({ label: 'emitting', total: events.length, terminal: options.terminal, write: (text) => void process.stderr.write(text) });
  const ids: string[] = [];
  const duplicates: string[] = [];
  for (let start = 0; start < events.length; start += BATCH_SIZE) {
    const batch = events.slice(start, start + BATCH_SIZE);
    const result = await sendBatch(client, batch).catch((error: unknown) => {
      progress.finish(`, stopped at event ${start + 1}`);
      throw error;
    });
    ids.push(...result.ids);
    duplicates.push(...(result.duplicates ?? []));
    progress.advance(batch.length);
  }
  progress.finish(duplicates.length === 0 ? '' : `, ${duplicates.length} already accepted`);
  if (options.json) return void process.stdout.write(`${JSON.stringify({ ids, duplicates })}\n`);
  process.stdout.write(`accepted ${ids.length - duplicates.length} events${duplicates.length === 0 ? '' : ` (${duplicates.length} already accepted)`}\n`);
}

async function sendBatch(client: Client, batch: readonly CloudEvent[]): Promise<{ ids: string[]; duplicates?: string[] }> {
  for (;;) {
    const response = await client.request('POST', '/api/events', { headers: { 'content-type': 'application/cloudevents-batch+json' }, body: JSON.stringify(batch) });
    if (response.status === 429) {
      const seconds = Number(response.headers.get('retry-after') ?? '');
      await response.body?.cancel();
      await sleep(Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 300) * 1000 : 5000);
      continue;
    }
    await client.failOnProblem(response);
    return (await response.json()) as { ids: string[]; duplicates?: string[] };
  }
}

/** The events to send, as structured CloudEvents. */
export function bulkEvents(options: Omit<BulkEmitOptions, 'json' | 'terminal'>): CloudEvent[] {
  const prefix = options.id ?? `cli-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const base = (index: number, type: string): CloudEvent => ({
    specversion: '1.0',
    id: `${prefix}-${index + 1}`,
    source: options.source ?? '/cli',
    type,
    ...(options.subject !== undefined && { subject: options.subject }),
  });
  const withData = (event: CloudEvent, data: unknown): CloudEvent => (data === undefined ? event : { ...event, datacontenttype: 'application/json', data });
  if (options.count !== undefined) {
    if (options.dataFile !== undefined) throw new CliError('--count and --data-file do not go together: a file gives one event per line', 2);
    if (!options.type) throw new CliError('usage: vextir emit <type> --count <n> [--data <json>]', 2);
    if (!/^[1-9]\d{0,6}$/.test(options.count)) throw new CliError(`--count must be a whole number from 1 to 9999999, not "${options.count}"`, 2);
    const data = options.data === undefined ? undefined : parseJsonOption('--data', options.data);
    const type = options.type;
    return Array.from({ length: Number(options.count) }, (_, index) => withData(base(index, type), data));
  }
  if (options.data !== undefined) throw new CliError('--data and --data-file do not go together: with <type>, each line of the file is the data of one event', 2);
  const file = options.dataFile ?? '';
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, 2);
  }
  const events: CloudEvent[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const value = parseJsonOption(`${file} line ${index + 1}`, line);
    // With <type>, a line is an event's data; without, a whole event ({type, data?, id?, ...}).
    if (options.type) return void events.push(withData(base(events.length, options.type), value));
    if (value === null || typeof value !== 'object' || Array.isArray(value) || typeof (value as { type?: unknown }).type !== 'string') {
      throw new CliError(`${file} line ${index + 1}: without <type>, each line must be an event object with a "type" (or give <type> and make each line the data)`, 2);
    }
    const { data, ...fields } = value as Record<string, unknown> & { type: string };
    events.push(withData({ ...base(events.length, fields.type), ...fields }, data));
  });
  if (events.length === 0) throw new CliError(`${file} has no events (one JSON value per line)`, 2);
  return events;
}
