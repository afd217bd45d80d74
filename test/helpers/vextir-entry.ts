/**
 * The Node arguments that run the `vextir` command in a child process.
 *
 * When the build in dist/ is current (every source file has its compiled file, written after
 * it: `npm ci` and `npm install` build it), the child runs the compiled CLI, which is what
 * `bin/vextir.js` runs for a user. Otherwise (a source edited since the last `npm run build`)
 * it runs the sources through tsx, so a test never exercises stale code. The compiled CLI starts
 * with about half the CPU of tsx compiling the sources, and the tests start the CLI a few
 * hundred times.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SOURCES = 'src';
const BUILD = join('dist', 'src');

function builtPath(source: string): string {
  return join(BUILD, relative(SOURCES, source).replace(/\.ts$/, '.js'));
}

function sourcesCompiled(folder: string): boolean {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!sourcesCompiled(path)) return false;
      continue;
    }
    if (!/\.(ts|mjs)$/.test(entry.name) || entry.name.endsWith('.d.ts')) continue;
    const built = statSync(builtPath(path), { throwIfNoEntry: false });
    if (built === undefined || built.mtimeMs < statSync(path).mtimeMs) return false;
  }
  return true;
}

let current: boolean | undefined;

/** True when every .ts and .mjs file under src/ has a compiled file in dist/ at least as new as itself. */
export function buildIsCurrent(): boolean {
  current ??= sourcesCompiled(SOURCES);
  return current;
}

/**
 * The module a child process imports for `source` (a path under src/), and the Node arguments it
 * needs for that: the compiled module when the build is current, else the source through tsx.
 */
export function runnable(source: string): { module: string; nodeArgs: readonly string[] } {
  return buildIsCurrent() ? { module: builtPath(source), nodeArgs: [] } : { module: source, nodeArgs: ['--import', 'tsx'] };
}

/** `[...vextirEntry(), 'start']` runs `vextir start` (paths relative to the project root, the tests' cwd). */
export function vextirEntry(): readonly string[] {
  const { module, nodeArgs } = runnable(join(SOURCES, 'cli', 'main.ts'));
  return [...nodeArgs, module];
}
