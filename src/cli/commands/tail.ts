/**
 * `vextir tail [--filter t.*,...] [--json]`: the caller's events live (Server-Sent Events from
 * /api/stream) until interrupted, one line each (src/cli/tail-line.ts) or, with --json, each
 * record as one line of JSON. A dropped connection is resumed with Last-Event-ID (the last
 * cursor the server sent), after 0.5 s and then up to 10 s between tries; a record the server
 * sends again after a resume (it resumes at the start of a page) is printed once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { Client } from '../client.js';
import { painter } from '../colour.js';
import { formatTailLine, type TailRecord } from '../tail-line.js';

export interface TailOptions {
  filter?: string | undefined;
  json: boolean;
  color: boolean;
  /** The terminal's columns now (read per line: a terminal can be resized); undefined: not a terminal. */
  width: () => number | undefined;
  signal: AbortSignal;
  write: (text: string) => void;
  /** Where connection news goes (stderr). */
  note: (text: string) => void;
  /** The first wait before reconnecting (default 500 ms; doubles up to 10 s). */
  retryMs?: number;
}

export async function tailCommand(client: Client, filter: string | undefined, json: boolean, color: boolean, columns: () => number | undefined): Promise<void> {
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  await followStream(client, {
    filter,
    json,
    color,
    width: columns,
    signal: abort.signal,
    write: (text) => void process.stdout.write(text),
    note: (text) => void process.stderr.write(text),
  });
}

/** Follows the stream until `signal` aborts; the first connection's failure is thrown, later ones are retried. */
export async function followStream(client: Client, options: TailOptions): Promise<void> {
  const query = options.filter ? `?filter=${encodeURIComponent(options.filter)}` : '';
  const paint = painter(options.color);
  const viewer = client.user?.id;
  const seen = new RecentKeys(2000);
  let lastId: string | undefined;
  let connected = false;
  let wait = options.retryMs ?? 500;
  const as = viewer === undefined ? '' : ` as ${viewer} (${client.user?.source ?? ''})`;
  while (!options.signal.aborted) {
    const headers: Record<string, string> = { accept: 'text/event-stream', ...(lastId !== undefined && { 'last-event-id': lastId }) };
    let response: Response | undefined;
    try {
      response = await client.request('GET', `/api/stream${query}`, { headers, signal: options.signal });
    } catch (error) {
      if (options.signal.aborted) return;
      if (!connected) throw error;
    }
    // Refusals (401, 403, a bad filter) end the command; a server restarting (5xx) is waited for.
    if (response !== undefined && !response.ok) {
      if (!connected || response.status < 500) await client.failOnProblem(response);
      await response.body?.cancel();
    }
    if (response?.ok && response.body) {
      options.note(connected ? `reconnected${lastId === undefined ? '' : `, resuming after ${lastId}`}\n` : `following ${client.baseUrl}/api/stream${query}${as} (Ctrl-C to stop)\n`);
      connected = true;
      wait = options.retryMs ?? 500;
      const messages = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
      try {
        for await (const message of messages) {
          if (message.id !== undefined && message.id !== '') lastId = message.id;
          const record = JSON.parse(message.data) as TailRecord;
          if (!seen.add(`${record.id} ${record.status} ${record.updatedAt ?? ''}`)) continue;
          options.write(`${options.json ? JSON.stringify(record) : formatTailLine(record, { paint, width: options.width(), viewer })}\n`);
        }
      } catch (error) {
        // A dropped connection (the server stopped, a proxy timed out): resumed below.
        if (options.signal.aborted) return;
        if (error instanceof SyntaxError) throw error;
      }
    }
    if (options.signal.aborted) return;
    options.note(`connection lost; reconnecting in ${(wait / 1000).toFixed(1)}s\n`);
    await sleep(wait, undefined, { signal: options.signal }).catch(() => undefined);
    wait = Math.min(10_000, wait * 2);
  }
}

/** The last `size` keys seen, to drop the records a resumed stream sends again. */
class RecentKeys {
  private readonly keys = new Set<string>();
  constructor(private readonly size: number) {}

  /** False when `key` was seen recently. */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.size) this.keys.delete(this.keys.values().next().value as string);
    return true;
  }
}
