import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { Client } from '../client.js';
import { formatRecordLine, type RecordView } from '../format.js';

/** Follows the caller's events live (Server-Sent Events from /api/stream) until interrupted. */
export async function tailCommand(client: Client, filter: string | undefined, json: boolean): Promise<void> {
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const query = filter ? `?filter=${encodeURIComponent(filter)}` : '';
  const response = await client.request('GET', `/api/stream${query}`, { headers: { accept: 'text/event-stream' }, signal: abort.signal });
  await client.failOnProblem(response);
  if (!response.body) return;
  const as = client.user === undefined ? '' : ` as ${client.user.id} (${client.user.source})`;
  process.stderr.write(`following ${client.baseUrl}/api/stream${query}${as} (Ctrl-C to stop)\n`);
  const messages = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  try {
    for await (const message of messages) {
      const record = JSON.parse(message.data) as RecordView;
      process.stdout.write(`${json ? JSON.stringify(record) : formatRecordLine(record)}\n`);
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  }
}
