/**
 * The load generator of the embedded bench. It runs as a child process (forked by embedded.ts),
 * so the system under test keeps the parent's core to itself, and it keeps every client-side
 * timestamp (send, response, SSE arrival) on one clock.
 *
 * - `max`: autocannon at full speed, one structured CloudEvent with a unique id per request.
 * - `paced`: a steady open-loop rate with the ingest-to-processed latency of every event, taken
 *   from the SSE stream. Not autocannon: its `overallRate` is enforced in one-second windows, so
 *   1,000/s arrives as a burst of 1,000 requests in the first ~200 ms of each second (measured
 *   here: 547 in one 100 ms slot, then none for 700 ms), which would measure the burst, not the
 *   rate. This sender spreads requests evenly (one every 1/rate s) and never waits for replies.
 */
import autocannon from 'autocannon';
import { createParser } from 'eventsource-parser';
import { Agent, request } from 'node:http';
import { percentiles, type Percentiles } from './stats.js';

export interface MaxLoad {
  kind: 'max';
  url: string;
  /** Omitted for the bare ceiling server, which checks nothing. */
  token?: string;
  seconds: number;
  connections: number;
  idPrefix: string;
}

export interface PacedLoad {
  kind: 'paced';
  url: string;
  token: string;
  seconds: number;
  /**
   * Sent at the same rate before `seconds` and left out of every figure: the first few hundred
   * ms (new sockets, the stream's first reads, cold code paths) are not the steady state.
   */
  warmupSeconds: number;
  rate: number;
  idPrefix: string;
  /** How long to wait, after the last send, for the stream to report every accepted event processed. */
  settleTimeoutMs: number;
}

export type LoadCommand = MaxLoad | PacedLoad;

export interface MaxResult {
  kind: 'max';
  seconds: number;
  requestsPerSecond: number;
  accepted: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  httpP50Ms: number;
  httpP99Ms: number;
}

export interface PacedResult {
  kind: 'paced';
  seconds: number;
  sent: number;
  accepted: number;
  non2xx: number;
  errors: number;
  /** Accepted events the stream reported processed within the settle timeout. */
  observed: number;
  /** Send -> `processed` record on the SSE stream, in ms. */
  latency: Percentiles;
  /** Send -> 202 response, in ms. */
  http: Percentiles;
}

export type LoadResult = MaxResult | PacedResult;

/** The message a parent receives: a result, or why the run failed. */
export type LoadReply = { ok: true; result: LoadResult } | { ok: false; error: string };

function pingBody(id: string, n: number): string {
  return JSON.stringify({ specversion: '1.0', id, type: 'demo.ping', source: '/bench/load', data: { n, note: 'bench' } });
}

function headers(token: string | undefined): Record<string, string> {
  const out: Record<string, string> = { 'content-type': 'application/cloudevents+json' };
  if (token !== undefined) out['authorization'] = `Bearer ${token}`;
  return out;
}

async function maxLoad(load: MaxLoad): Promise<MaxResult> {
  let n = 0;
  const result = await autocannon({
    url: load.url,
    connections: load.connections,
    duration: load.seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/events',
        headers: headers(load.token),
        setupRequest: (req) => {
          n += 1;
          return { ...req, body: pingBody(`${load.idPrefix}-${n}`, n) };
        },
      },
    ],
  });
  return {
    kind: 'max',
    seconds: result.duration,
    requestsPerSecond: result.requests.average,
    accepted: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    httpP50Ms: result.latency.p50,
    httpP99Ms: result.latency.p99,
  };
}

/** Follows GET /api/stream and notes when each event's record arrives as `processed`. */
async function watchProcessed(url: string, token: string, signal: AbortSignal, processedAt: Map<string, number>): Promise<() => Promise<void>> {
  const response = await fetch(`${url}/api/stream?filter=demo.ping`, { headers: { authorization: `Bearer ${token}` }, signal });
  if (!response.ok || !response.body) throw new Error(`GET /api/stream answered ${response.status}`);
  let connected!: () => void;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  const parser = createParser({
    onEvent(message) {
      if (message.event !== 'processed') return;
      const { id } = JSON.parse(message.data) as { id: string };
      if (!processedAt.has(id)) processedAt.set(id, performance.now());
    },
    onComment: () => connected(),
  });
  const reading = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  })();
  await ready;
  return () => reading;
}

async function pacedLoad(load: PacedLoad): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const stop = new AbortController();
  const processedAt = new Map<string, number>();
  const finished = await watchProcessed(load.url, load.token, stop.signal, processedAt);

  const sentAt = new Map<string, number>();
  const httpMs: number[] = [];
  const accepted: string[] = [];
  const warmup = Math.round(load.rate * load.warmupSeconds);
  let non2xx = 0;
  let errors = 0;
  const replies: Array<Promise<void>> = [];
  const target = new URL('/api/events', load.url);
  const send = (n: number): void => {
    const id = `${load.idPrefix}-${n}`;
    const body = pingBody(id, n);
    replies.push(
      new Promise<void>((resolve) => {
        const req = request(target, { method: 'POST', agent, headers: { ...headers(load.token), 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
          res.resume();
          res.on('end', () => {
            if (n < warmup) resolve();
            else if (res.statusCode === 202) {
              accepted.push(id);
              httpMs.push(performance.now() - (sentAt.get(id) ?? Number.NaN));
            } else non2xx += 1;
            resolve();
          });
        });
        req.on('error', () => {
          if (n >= warmup) errors += 1;
          resolve();
        });
        sentAt.set(id, performance.now());
        req.end(body);
      }),
    );
  };

  const total = warmup + Math.round(load.rate * load.seconds);
  const started = performance.now();
  let measuredFrom = started;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * load.rate) / 1000));
      while (sent < due) {
        if (sent === warmup) measuredFrom = performance.now();
        send(sent++);
      }
      if (sent >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const seconds = (performance.now() - measuredFrom) / 1000;
  await Promise.all(replies);

  const deadline = performance.now() + load.settleTimeoutMs;
  while (accepted.some((id) => !processedAt.has(id)) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  stop.abort();
  await finished();
  agent.destroy();

  const latencies = accepted.flatMap((id) => {
    const done = processedAt.get(id);
    const start = sentAt.get(id);
    return done === undefined || start === undefined ? [] : [done - start];
  });
  return { kind: 'paced', seconds, sent: sent - warmup, accepted: accepted.length, non2xx, errors, observed: latencies.length, latency: percentiles(latencies), http: percentiles(httpMs) };
}

function run(command: LoadCommand): Promise<LoadResult> {
  return command.kind === 'max' ? maxLoad(command) : pacedLoad(command);
}

process.on('message', (command: LoadCommand) => {
  run(command).then(
    (result) => process.send?.({ ok: true, result } satisfies LoadReply),
    (error: unknown) => process.send?.({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies LoadReply),
  );
});
process.on('disconnect', () => process.exit(0));
