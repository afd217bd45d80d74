import { createPolicyEnv } from './src/security/policy/index.js';
import { benchEvents } from './bench/policy-workload.js';
const events = benchEvents(1024);
function bench(label: string, f: (i: number) => unknown) {
  for (let w = 0; w < 50000; w++) f(w & 1023);
  const t = performance.now(); let n = 0;
  while (performance.now() - t < 1000) { for (let j = 0; j < 1000; j++) f((n + j) & 1023); n += 1000; }
  console.log(label, Math.round(((performance.now() - t) * 1e6) / n), 'ns');
}
bench('createPolicyEnv', (i) => createPolicyEnv(events[i]!.input));
bench('new Date(iso)', (i) => new Date(events[i]!.input.event.time as string));
bench('BigInt x6', (i) => { const u = events[i]!.input.usage!; return [BigInt(Math.trunc(u.events_per_minute)), BigInt(Math.trunc(u.events_per_day)), BigInt(Math.trunc(u.events_per_hour)), BigInt(Math.trunc(u.tokens_today)), BigInt(Math.trunc(u.tokens_month)), BigInt(Math.trunc(events[i]!.input.event.depth))]; });
