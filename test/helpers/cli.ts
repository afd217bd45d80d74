/**
 * Runs the `vextir` command as a user would (in a child process: see vextir-entry.ts for which build),
 * against a host the test started. VEXTIR_TOKEN and VEXTIR_URL from the developer's shell are
 * dropped, so a test never talks to another system or as another user.
 */
import { execFile } from 'node:child_process';
import { vextirEntry } from './vextir-entry.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The host's base URL, passed as `--url`. */
  url: string;
  /** The host's data directory: the CLI signs dev tokens with its secret. */
  dataDir: string;
  /** VEXTIR_USER for the command (whose dev token it mints). */
  user?: string;
  /** More variables to unset from the inherited environment. */
  unset?: readonly string[];
}

export function runVextir(args: readonly string[], { url, dataDir, user, unset = [] }: CliOptions): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, VEXTIR_DATA_DIR: dataDir };
  for (const name of ['VEXTIR_TOKEN', 'VEXTIR_URL', ...unset]) delete env[name];
  if (user !== undefined) env['VEXTIR_USER'] = user;
  return new Promise((resolve) => {
    execFile(process.execPath, [...vextirEntry(), ...args, '--url', url], { env }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}
