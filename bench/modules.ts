/**
 * Where the bench's own files are, whichever way it runs: compiled by tsc into dist/bench
 * (`npm run bench`: the same JavaScript `npm start` runs, so the figures are the shipped code's),
 * or as TypeScript through tsx (by hand, e.g. to profile). Under tsx the code is transformed
 * differently (esbuild wraps every closure in a naming helper, for one) and ran about 10%
 * slower in the kernel bench.
 */
import { existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

/** Node options for the bench's child processes: tsx only when running as TypeScript. */
export const CHILD_EXEC_ARGV: readonly string[] = extname(here) === '.ts' ? ['--import', 'tsx'] : [];

/** A module of the bench next to this one (`load-client` -> load-client.ts or load-client.js). */
export function benchModule(name: string): string {
  return join(dirname(here), `${name}${extname(here)}`);
}

/** The repository root: the nearest folder up from here with a package.json. */
export function repoRoot(): string {
  for (let dir = dirname(here); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${here}`);
  }
}
