/**
 * Top self-times of a V8 CPU profile, by function and by file:
 *
 *   npm run build:bench && node --cpu-prof --cpu-prof-dir=.prof dist/bench/run.js --one kernel
 *   node dist/bench/profile-top.js .prof/*.cpuprofile [--top=40]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function selfTimes(profile: Profile): { byFunction: Map<string, number>; byFile: Map<string, number>; totalMs: number } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const frame = nodes.get(id)?.callFrame;
    if (!frame) return;
    totalMs += ms;
    const file = shorten(frame.url) || `(${frame.functionName || 'native'})`;
    const name = `${frame.functionName || '(anonymous)'}  ${file}${frame.url ? `:${frame.lineNumber + 1}:${frame.columnNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
  });
  return { byFunction, byFile, totalMs };
}

function shorten(url: string): string {
  const cut = url.replace(/^file:\/\//, '');
  const at = cut.search(/\/(src|bench|node_modules)\//);
  return at >= 0 ? cut.slice(at + 1) : cut;
}

function top(map: Map<string, number>, totalMs: number, count: number): string {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => `${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / totalMs).toFixed(1).padStart(5)}%  ${name}`)
    .join('\n');
}

const args = process.argv.slice(2);
const count = Number(args.find((arg) => arg.startsWith('--top='))?.slice(6) ?? 40);
const files = args.filter((arg) => !arg.startsWith('--'));
if (files.length === 0) {
  process.stderr.write('usage: node dist/bench/profile-top.js <file.cpuprofile>... [--top=40]\n');
  process.exit(2);
}
// The busiest profile is the main thread's (Node writes one per thread, e.g. tsx's loader too).
const [main] = files
  .map((file) => selfTimes(JSON.parse(readFileSync(file, 'utf8')) as Profile))
  .sort((a, b) => b.totalMs - a.totalMs);
if (main) {
  process.stdout.write(`total ${main.totalMs.toFixed(0)} ms sampled\n\nself time by function:\n${top(main.byFunction, main.totalMs, count)}\n`);
  process.stdout.write(`\nself time by file:\n${top(main.byFile, main.totalMs, 25)}\n`);
}
