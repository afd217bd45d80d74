/**
 * `vextir tail`'s one line per event: time, a status symbol and word (coloured), type, a short
 * id, the owner when the view names one other than the viewer, and a one-line summary (the
 * decision for a denied, throttled or parked event, the error for a failed one, else the data),
 * cut to the terminal's width. The cutting is done on the plain text, before colour is added,
 * so a coloured line and a plain one show the same characters.
 */
import type { Paint, Style } from './colour.js';
import type { RecordView } from './format.js';

/** What the stream sends of a record, beyond the fields `events ls` prints. */
export interface TailRecord extends RecordView {
  /** Only in views that span users (an admin's); the per-user stream leaves it out. */
  userId?: string;
  event?: { userid?: string; data?: unknown; subject?: string };
  decision?: RecordView['decision'] & { approval?: { id: string; reason: string } };
}

export interface TailLineOptions {
  paint: Paint;
  /** The terminal's columns; undefined (not a terminal): the whole line. */
  width?: number | undefined;
  /** The user the CLI acts as, when it knows: an event of another user names its owner. */
  viewer?: string | undefined;
}

const STATUS: Readonly<Record<string, { symbol: string; word: string; style: Style }>> = {
  accepted: { symbol: '·', word: 'accepted', style: 'gray' },
  processed: { symbol: '✓', word: 'processed', style: 'green' },
  failed: { symbol: '✗', word: 'failed', style: 'red' },
  dead_lettered: { symbol: '☠', word: 'dead', style: 'red' },
  denied: { symbol: '⊘', word: 'denied', style: 'red' },
  throttled: { symbol: '◔', word: 'throttled', style: 'yellow' },
  awaiting_approval: { symbol: '?', word: 'approval', style: 'magenta' },
};

const ID_LENGTH = 12;

export function formatTailLine(record: TailRecord, { paint, width, viewer }: TailLineOptions): string {
  const status = STATUS[record.status] ?? { symbol: '•', word: record.status, style: 'bold' as const };
  const time = (record.updatedAt ?? record.receivedAt ?? '').slice(11, 19).padEnd(8);
  const owner = record.userId ?? (viewer === undefined ? undefined : record.event?.userid);
  const user = owner === undefined || owner === viewer ? '' : ` @${owner}`;
  const word = status.word.padEnd(9);
  const type = record.type.padEnd(18);
  const id = shortId(record.id).padEnd(ID_LENGTH);
  const plainHead = `${time} ${status.symbol} ${word} ${type} ${id}${user} `;
  const summary = cut(summarize(record), width === undefined ? Infinity : width - length(plainHead));
  const decision = record.status !== 'processed' && record.status !== 'accepted';
  return [
    paint('gray', time),
    paint(status.style, status.symbol),
    paint(status.style, word),
    paint('bold', type),
    `${paint('dim', id)}${user === '' ? '' : paint('cyan', user)}`,
    ...(summary === '' ? [] : [decision ? paint(status.style, summary) : summary]),
  ]
    .join(' ')
    .trimEnd();
}

/** Ids up to 12 characters as they are; longer ones (`evt_` and 32 hex digits) by their end (--json has them whole). */
export function shortId(id: string): string {
  const chars = Array.from(id);
  return chars.length <= ID_LENGTH ? id : `…${chars.slice(-(ID_LENGTH - 1)).join('')}`;
}

/** What happened, in one line: a decision or error says why; otherwise the event's data. */
function summarize(record: TailRecord): string {
  const { decision } = record;
  if (record.error) return `${record.error.code}: ${record.error.message}`;
  if (record.status === 'denied' && decision) return `by ${decision.authorizer}: ${decision.reason}`;
  if (record.status === 'throttled' && record.throttle) return `runs at ${record.throttle.runAt.slice(11, 19)} (throttled ${record.throttle.count}x)`;
  if (record.status === 'awaiting_approval') return decision?.approval ? `approval ${decision.approval.id}: ${decision.approval.reason}` : (decision?.reason ?? 'awaiting approval');
  const data = record.event?.data;
  return data === undefined ? '' : (JSON.stringify(data) ?? '');
}

/** Code points, not UTF-16 units: `…` and the symbols are one column each. */
function length(text: string): number {
  return Array.from(text).length;
}

/** One line (line breaks as spaces) of at most `columns` characters, `…` marking a cut. */
export function cut(text: string, columns: number): string {
  const chars = Array.from(text.replace(/\s*[\r\n]+\s*/g, ' '));
  if (chars.length <= columns) return chars.join('');
  if (columns <= 0) return '';
  return `${chars.slice(0, columns - 1).join('')}…`;
}
