#!/usr/bin/env node
// The `vextir` command. Runs the compiled CLI (npm install builds it via the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('vextir: the CLI is not built yet. Run `npm install` (or `npm run build`) in the project first.\n');
  process.exit(1);
}
await import(cli.href);
