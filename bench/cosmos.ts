/**
 * Cosmos adapter overhead: point writes (`save` of a final record = one upsert) and point reads
 * (`get`) through CosmosEventStore, against the raw SDK doing the same calls on the same
 * container (`container.items.upsert(doc)`, `container.item(id, pk).read()`), one at a time and
 * 16 in flight. The target is adapter/raw >= 0.9.
 *
 * The protocol server runs in a child process, so the adapter's extra CPU (building the document,
 * stripping system fields, zod-parsing every read) is measured on the client's core instead of
 * also slowing a server that shares it. Adapter and raw rounds alternate in short adjacent pairs
 * and the median per-pair ratio is reported, to keep drift (JIT, GC, other load) out of it. The server is far faster and
 * closer than real Cosmos (~1-10 ms a call), so these ratios are the pessimistic case for overhead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { CosmosClient } from '@azure/cosmos';
import { openCosmosStore } from '../src/adapters/azure/cosmos-database.js';
import { eventDocument, parseEventDocument } from '../src/adapters/azure/cosmos-documents.js';
import type { EventRecord } from '../src/kernel/index.js';
import { protocolServerClientOptions } from '../test/helpers/cosmos-server.js';
import { repoRoot } from './modules.js';
import type { AdapterBenchRow } from './stats.js';

export type CosmosBenchRow = AdapterBenchRow;

const RECORDS = 400;
/** Paired rounds per figure, and calls per round. */
const PAIRS = 24;
const PAIR_OPS = 100;
const CONCURRENCY = 16;
const USER = 'bench';

export async function runCosmosBench(): Promise<CosmosBenchRow[]> {
  const { endpoint, child } = await startServerProcess();
  const client = new CosmosClient(protocolServerClientOptions(endpoint));
  try {
    const { database, store } = await openCosmosStore({ client, databaseId: 'bench', createIfNotExists: true });
    const container = database.container('events');
    const records = Array.from({ length: RECORDS }, (_, i) => benchRecord(`e${i}`));
    const documents = records.map((record) => eventDocument(record, `2026-01-01T00:00:00.000Z#0000|${record.id}`));
    await Promise.all(documents.map((document) => container.items.upsert(document)));
    // Retries in progress: `accepted` records that each save replaces (a later attempt every time).
    const retrying = Array.from({ length: RECORDS }, (_, i): EventRecord => ({ ...benchRecord(`r${i}`), status: 'accepted' }));
    await store.insertAccepted(retrying);
    let attempt = 1;

    const ops = {
      adapterSave: (i: number) => store.save(records[i]!),
      rawUpsert: (i: number) => container.items.upsert(documents[i]!),
      adapterGet: (i: number) => store.get(USER, records[i]!.id),
      rawRead: (i: number) => container.item(records[i]!.id, USER).read(),
      adapterSaveStale: (i: number) => store.save({ ...records[i]!, status: 'accepted' }),
      adapterSaveRetry: (i: number) => store.save({ ...retrying[i]!, attempts: (attempt += 1) }),
      // The same two round trips by hand: read, then replace with IfMatch on the read's ETag.
      rawReadReplace: async (i: number) => {
        const item = container.item(retrying[i]!.id, USER);
        const { resource, etag } = await item.read<Record<string, unknown>>();
        if (!resource || !etag) throw new Error(`bench: ${retrying[i]!.id} is missing`);
        await item.replace({ ...resource, attempts: (attempt += 1) }, { accessCondition: { type: 'IfMatch', condition: etag } });
      },
    };
    // Warm every path (JIT, sockets) before measuring. Every record stays `processed`.
    for (const run of Object.values(ops)) await throughput(run, 1);

    const rows: CosmosBenchRow[] = [];
    for (const concurrency of [1, CONCURRENCY]) {
      const label = concurrency === 1 ? 'one at a time' : `${concurrency} in flight`;
      rows.push(compare(`save (final status) ${label}`, await alternate(ops.adapterSave, ops.rawUpsert, concurrency), 'raw container.items.upsert of the same document'));
      rows.push(compare(`get ${label}`, await alternate(ops.adapterGet, ops.rawRead, concurrency), 'raw container.item(id, pk).read(), no parsing'));
    }
    // The accepted path reads, judges and replaces with IfMatch: two round trips by design, so
    // its baseline is the same two calls made with the raw SDK (one upsert would be half of it).
    const retry = await alternate(ops.adapterSaveRetry, ops.rawReadReplace, 1);
    rows.push(compare('save (accepted, replaces: read + IfMatch replace) one at a time', retry, 'raw read + IfMatch replace of the same document'));
    const stale = await alternate(ops.adapterSaveStale, ops.rawUpsert, 1);
    rows.push(compare('save (stale accepted over final: read + skip) one at a time', stale, 'raw upsert', 'a point read and no write: no target'));

    rows.push(...parseCost(documents));
    return rows;
  } finally {
    client.dispose();
    child.kill();
  }
}

interface Round {
  opsPerSecond: number;
  /** Client-process CPU per call (the server is another process): the overhead without the noise. */
  cpuMicros: number;
}

/** `count` calls of `run` (indexes from `offset`), `concurrency` in flight. */
async function throughput(run: (i: number) => Promise<unknown>, concurrency: number, count = RECORDS, offset = 0): Promise<Round> {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (next < count) await run((offset + next++) % RECORDS);
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { opsPerSecond: count / (elapsed / 1000), cpuMicros: (used.user + used.system) / count };
}

interface Paired {
  a: number;
  b: number;
  /** Median of the per-pair ratios a/b: robust to load that changes between pairs. */
  ratio: number;
  cpuA: number;
  cpuB: number;
}

/**
 * Many short adjacent rounds of each side, the order flipping every pair; the ratio is taken
 * per pair, so a neighbour's CPU burst (this machine is shared) hits both sides of a pair.
 */
async function alternate(a: (i: number) => Promise<unknown>, b: (i: number) => Promise<unknown>, concurrency: number): Promise<Paired> {
  const as: Round[] = [];
  const bs: Round[] = [];
  for (let pair = 0; pair < PAIRS; pair += 1) {
    const offset = (pair * PAIR_OPS) % RECORDS;
    if (pair % 2 === 0) {
      as.push(await throughput(a, concurrency, PAIR_OPS, offset));
      bs.push(await throughput(b, concurrency, PAIR_OPS, offset));
    } else {
      bs.push(await throughput(b, concurrency, PAIR_OPS, offset));
      as.push(await throughput(a, concurrency, PAIR_OPS, offset));
    }
  }
  const ops = (rounds: Round[]): number[] => rounds.map((round) => round.opsPerSecond);
  const cpu = (rounds: Round[]): number => median(rounds.map((round) => round.cpuMicros));
  return { a: median(ops(as)), b: median(ops(bs)), ratio: median(as.map((round, i) => round.opsPerSecond / bs[i]!.opsPerSecond)), cpuA: cpu(as), cpuB: cpu(bs) };
}

function compare(name: string, paired: Paired, what: string, target = 'target >= 0.9'): CosmosBenchRow {
  const { a, b, ratio, cpuA, cpuB } = paired;
  return {
    name: `cosmos ${name}`,
    value: Math.round(a),
    unit: 'ops/s',
    baseline: Math.round(b),
    note:
      `baseline: ${what}; adapter/raw = ${ratio.toFixed(3)} (median of ${PAIRS} paired rounds; ${target}); ` +
      `client CPU ${cpuA.toFixed(0)} vs ${cpuB.toFixed(0)} µs/call; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`,
  };
}

/** What the read boundary costs on its own: strip + zod parse of one stored document. */
function parseCost(documents: readonly unknown[]): CosmosBenchRow[] {
  const stored = documents.map((document) => ({ ...(document as object), _rid: 'x', _self: 'x', _etag: '"x"', _attachments: 'x', _ts: 1 }));
  const iterations = 20_000;
  for (let i = 0; i < 2000; i += 1) parseEventDocument(stored[i % stored.length]);
  const started = performance.now();
  for (let i = 0; i < iterations; i += 1) parseEventDocument(stored[i % stored.length]);
  const micros = ((performance.now() - started) * 1000) / iterations;
  return [{ name: 'cosmos read parse (strip + eventRecordSchema)', value: Number(micros.toFixed(1)), unit: 'µs/record', note: 'client CPU per document read; included in the get figures above' }];
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function benchRecord(id: string): EventRecord {
  return {
    userId: USER,
    id,
    type: 'email.received',
    status: 'processed',
    digest: `sha256-${id.padStart(16, '0')}`,
    event: {
      specversion: '1.0', id, type: 'email.received', source: '/http/ingest', time: '2026-01-01T00:00:00.000Z',
      userid: USER, category: 'input', correlationid: id, depth: 0,
      data: { from: 'someone@example.com', subject: 'Quarterly report', body: 'x'.repeat(512) },
    },
    receivedAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.100Z',
    attempts: 1,
    decision: { allowed: true, authorizer: 'allow-all', reason: 'no policies', policies: [] },
    drivers: [{ driver: 'email_triage', status: 'succeeded', durationMs: 12, emitted: [`${id}-c0`], attempt: 1 }],
    children: [`${id}-c0`],
  };
}

/** The protocol server in its own process, on a free loopback port it reports over IPC. */
async function startServerProcess(): Promise<{ endpoint: string; child: ChildProcess }> {
  const code = `import('@vercel/cosmosdb-server').then(({ createHttpServer }) => {
    const server = createHttpServer();
    server.listen(0, '127.0.0.1', () => process.send(server.address().port));
  });`;
  const child = spawn(process.execPath, ['-e', code], { cwd: repoRoot(), stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve(Number(message)));
    child.once('exit', (status) => reject(new Error(`the Cosmos protocol server exited with ${status}`)));
  });
  return { endpoint: `http://127.0.0.1:${port}`, child };
}
