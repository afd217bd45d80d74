/**
 * The PII scan of an agent's model requests: each step sends the whole conversation again with
 * one message more, so most of what a request carries was scanned a step before. Measured with
 * the verdicts the policy engine keeps per user and without them, rounds interleaved, on new
 * runs every round (nothing carried over from a previous round).
 */
import { PiiVerdictCache, redactPii } from '../src/security/index.js';
import { row, type BenchRow } from './stats.js';

const RUNS_PER_ROUND = 200;
const STEPS = 8;
const ROUNDS = 8;

const SYSTEM = 'You are an assistant that reconciles invoices. Answer briefly and call tools when you need data.';

function step(n: number): string {
  return `Step ${n}: I looked at the invoice from ann${n}@example.com and the figures for March; the totals match the ledger except for one line of 1,250.00 EUR that needs a second look before Friday.`;
}

/** The model requests of RUNS_PER_ROUND agent runs, numbered from `first`. */
function modelRequests(first: number): unknown[] {
  const requests: unknown[] = [];
  for (let run = first; run < first + RUNS_PER_ROUND; run += 1) {
    const messages = [{ role: 'system', content: SYSTEM }];
    for (let index = 0; index < STEPS; index += 1) {
      messages.push({ role: 'user', content: step(run * STEPS + index) });
      // Parsed again: new strings, as a request read from the bus has (a string's hash is its own).
      requests.push(JSON.parse(JSON.stringify({ model: 'gpt-4o-mini', messages })));
      messages.push({ role: 'assistant', content: `Noted (${run}.${index}).` });
    }
  }
  return requests;
}

export function piiConversationRows(): BenchRow[] {
  const cache = new PiiVerdictCache();
  const scopes = ['alice', 'bob', 'carol', 'dave'];
  const variants = {
    kept: (request: unknown, index: number) => redactPii(request, undefined, { cache, scope: scopes[Math.floor(index / STEPS) % scopes.length]! }),
    none: (request: unknown) => redactPii(request),
  };
  const micros = { kept: 0, none: 0 };
  let counted = 0;
  let first = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, scan] of Object.entries(variants) as Array<[keyof typeof variants, (request: unknown, index: number) => unknown]>) {
      const requests = modelRequests((first += RUNS_PER_ROUND));
      const started = performance.now();
      requests.forEach((request, index) => scan(request, index));
      if (round >= 2) micros[name] += (performance.now() - started) * 1000; // two rounds of warm-up
    }
    if (round >= 2) counted += RUNS_PER_ROUND * STEPS;
  }
  return [
    row({
      bench: 'policy',
      name: "PII scan of an agent's model requests, verdicts kept per user",
      value: micros.kept / counted,
      unit: 'µs',
      baseline: { name: 'every string scanned', value: micros.none / counted, unit: 'µs' },
      note: `${RUNS_PER_ROUND} runs of ${STEPS} steps a round, the conversation re-sent at each step (2 to ${2 * STEPS} messages), new runs every round, rounds interleaved`,
    }),
  ];
}
