/**
 * `vextir context import <dir> [<path>]`: every file under a local folder as a document under
 * <path> (default /), at the same relative path, in name order; a document already there gets a
 * new version. Names starting with `.` (.git, .DS_Store) and anything but regular files
 * (symlinks, sockets) are skipped. One PUT a file, with progress on stderr; a file the server
 * refuses (a name it does not take, too large) is reported and the rest still imported (exit 1).
 */
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Client } from '../client.js';
import { CliError } from '../cli-error.js';
import { fileDocument } from '../context-file.js';
import { contextPathArg } from '../paths.js';
import { createProgress } from '../progress.js';

export interface ImportOptions {
  owner?: string | undefined;
  /** stderr is a terminal: a redrawn progress line. */
  terminal: boolean;
}

export async function importDirectory(client: Client, dir: string | undefined, target: string | undefined, options: ImportOptions): Promise<void> {
  if (!dir) throw new CliError('usage: vextir context import <dir> [<path>]', 2);
  const root = contextPathArg(target ?? '/');
  const files = listFiles(dir);
  if (files.length === 0) return void process.stdout.write(`no files in ${dir}\n`);
  const progress = createProgress({ label: 'importing', total: files.length, terminal: options.terminal, write: (text) => void process.stderr.write(text) });
  const counts = { created: 0, updated: 0 };
  const failed: string[] = [];
  for (const file of files) {
    const name = relative(dir, file).split(sep).join('/');
    try {
      const status = await putFile(client, file, `${root === '/' ? '' : root}/${name}`, options.owner);
      counts[status === 201 ? 'created' : 'updated'] += 1;
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      failed.push(`  ${name}: ${error.message}`);
    }
    progress.advance();
  }
  progress.finish(failed.length === 0 ? '' : `, ${failed.length} failed`);
  process.stdout.write(`imported ${counts.created + counts.updated} of ${files.length} files into ${root} (${counts.created} created, ${counts.updated} updated)\n`);
  if (failed.length > 0) throw new CliError(`${failed.length} files were not imported:`, 1, failed);
}

async function putFile(client: Client, file: string, path: string, owner: string | undefined): Promise<number> {
  const encoded = contextPathArg(path).split('/').map(encodeURIComponent).join('/');
  const query = owner === undefined ? '' : `?${new URLSearchParams({ owner }).toString()}`;
  const response = await client.request('PUT', `/api/context${encoded}${query}`, {
    headers: { 'content-type': 'application/vnd.vextir.context+json' },
    body: JSON.stringify(fileDocument(file)),
  });
  await client.failOnProblem(response);
  await response.body?.cancel();
  return response.status;
}

/** Regular files under `dir`, depth first in name order, skipping dot-names. */
function listFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new CliError(`cannot read ${dir}: ${(error as Error).message}`, 2);
  }
  return entries
    .filter((entry) => !entry.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return listFiles(path);
      return entry.isFile() ? [path] : [];
    });
}
