/**
 * `vextir schedules ls|add|get|pause|resume|rm`: the caller's schedules over /api/schedules.
 * `add` builds the request from flags; the server validates it and names any bad field.
 */
import type { Client } from '../client.js';
import { CliError } from '../cli-error.js';
import { parseJsonOption } from '../json-option.js';

interface ScheduleView {
  id: string;
  name?: string;
  event: { type: string };
  at?: string;
  cron?: string;
  timezone: string;
  catchup: string;
  status: string;
  nextFireAt?: string;
  lastFiredAt?: string;
  fired: number;
  skipped: number;
}

export interface ScheduleAddOptions {
  type?: string | undefined;
  data?: string | undefined;
  subject?: string | undefined;
  id?: string | undefined;
  name?: string | undefined;
  cron?: string | undefined;
  at?: string | undefined;
  tz?: string | undefined;
  catchup?: string | undefined;
}

const ADD_USAGE = 'usage: vextir schedules add --type <event type> (--cron "<pattern>" [--tz <IANA zone>] | --at <RFC 3339 time>) [--data <json>] [--subject <s>] [--id <id>] [--name <text>] [--catchup once|skip]';
const write = (line: string): void => void process.stdout.write(`${line}\n`);

export async function schedulesListCommand(client: Client, asJson: boolean): Promise<void> {
  const { schedules } = await client.json<{ schedules: ScheduleView[] }>('GET', '/api/schedules?limit=1000');
  if (asJson) return write(JSON.stringify({ schedules }, null, 2));
  if (schedules.length === 0) return write('no schedules (add one with vextir schedules add)');
  for (const s of schedules) write(line(s));
}

export async function scheduleAddCommand(client: Client, options: ScheduleAddOptions): Promise<void> {
  if (!options.type || (options.cron === undefined) === (options.at === undefined)) throw new CliError(ADD_USAGE, 2);
  const data = options.data === undefined ? undefined : parseJsonOption('--data', options.data);
  const body = {
    ...(options.id !== undefined && { id: options.id }),
    ...(options.name !== undefined && { name: options.name }),
    event: { type: options.type, ...(data !== undefined && { data }), ...(options.subject !== undefined && { subject: options.subject }) },
    ...(options.cron !== undefined && { cron: options.cron }),
    ...(options.at !== undefined && { at: options.at }),
    ...(options.tz !== undefined && { timezone: options.tz }),
    ...(options.catchup !== undefined && { catchup: options.catchup }),
  };
  const schedule = await client.json<ScheduleView>('POST', '/api/schedules', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  write(`created schedule ${schedule.id}: ${schedule.event.type} ${when(schedule)}, next at ${schedule.nextFireAt ?? '-'}`);
}

export async function scheduleGetCommand(client: Client, id: string | undefined): Promise<void> {
  if (!id) throw new CliError('usage: vextir schedules get <id>', 2);
  write(JSON.stringify(await client.json<ScheduleView>('GET', `/api/schedules/${encodeURIComponent(id)}`), null, 2));
}

export async function scheduleChangeCommand(client: Client, action: 'pause' | 'resume', id: string | undefined): Promise<void> {
  if (!id) throw new CliError(`usage: vextir schedules ${action} <id>`, 2);
  const schedule = await client.json<ScheduleView>('POST', `/api/schedules/${encodeURIComponent(id)}/${action}`);
  write(line(schedule));
}

export async function scheduleRemoveCommand(client: Client, id: string | undefined): Promise<void> {
  if (!id) throw new CliError('usage: vextir schedules rm <id>', 2);
  await client.failOnProblem(await client.request('DELETE', `/api/schedules/${encodeURIComponent(id)}`));
  write(`deleted schedule ${id}`);
}

function when(s: ScheduleView): string {
  return s.cron !== undefined ? `cron "${s.cron}" ${s.timezone}` : `at ${s.at ?? '?'}`;
}

function line(s: ScheduleView): string {
  const next = s.nextFireAt === undefined ? '' : `  next ${s.nextFireAt}`;
  return `${s.id.padEnd(24)} ${s.status.padEnd(9)} ${s.event.type.padEnd(24)} ${when(s)}${next}  fired ${s.fired}${s.skipped > 0 ? `, skipped ${s.skipped}` : ''}`;
}
