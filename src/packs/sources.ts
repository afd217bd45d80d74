/**
 * Where a pack comes from, and getting its files onto this machine:
 *
 * - the npm registry, by name and version or range (`weather`, `weather@^1.2`, `@acme/triage@2.0.0`):
 *   fetched with pacote, npm's own fetcher, so the tarball's `dist.integrity` is checked exactly
 *   as `npm install` checks it (a tarball that does not match is refused: EINTEGRITY); no install
 *   scripts run, ever;
 * - a folder on the server (`/srv/packs/weather`, `./packs/weather`): copied, with an integrity
 *   of its own (SHA-512 over its files' paths and contents) so a later re-extraction from the
 *   lock notices a folder that changed since it was consented to. Symbolic links are refused.
 *
 * Files land in `<packs dir>/<name>/<version>/`, staged first and moved in place once complete.
 */
import { createHash, randomUUID } from 'node:crypto';
import { cp, lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve as resolvePath } from 'node:path';
import pacote from 'pacote';
import semver from 'semver';
import { KernelError } from '../kernel/index.js';

export type PackSource = { kind: 'npm'; spec: string; name: string; range: string } | { kind: 'folder'; path: string };

const NPM_NAME = /^(@[a-z0-9][a-z0-9._-]{0,213}\/)?[a-z0-9][a-z0-9._-]{0,213}$/;
const DIST_TAG = /^[a-z][a-z0-9._-]{0,63}$/;
const MAX_FOLDER_FILES = 5000;
const MAX_FOLDER_BYTES = 100 * 1024 * 1024;

/** A folder when it looks like a path (absolute, `./`, `../`), else an npm spec; `version` overrides a spec's own. */
export function parseSource(source: string, version?: string): PackSource {
  if (isAbsolute(source) || source.startsWith('./') || source.startsWith('../')) {
    if (version !== undefined) throw invalid('version', 'a folder has the version its manifest says; leave "version" out');
    return { kind: 'folder', path: resolvePath(source) };
  }
  const at = source.lastIndexOf('@');
  const [name, ownRange] = at > 0 ? [source.slice(0, at), source.slice(at + 1)] : [source, undefined];
  if (!NPM_NAME.test(name)) throw invalid('source', `"${source}" is neither a folder (an absolute path, or one starting with ./) nor an npm package name`);
  if (version !== undefined && ownRange !== undefined) throw invalid('version', 'give the version either in "source" (name@version) or in "version", not both');
  const range = version ?? ownRange ?? 'latest';
  if (semver.validRange(range) === null && !DIST_TAG.test(range)) throw invalid('version', `"${range}" is not a version, a range (^1.2.0) or a dist-tag (latest)`);
  return { kind: 'npm', spec: `${name}@${range}`, name, range };
}

export interface FetchedPack {
  /** The staging folder holding the pack's files; `place` moves it into the packs folder. */
  staged: string;
  /** The tarball's URL, or the folder. */
  resolved: string;
  /** SRI of the tarball (npm), or of the folder's files. */
  integrity: string;
}

export interface PackFetchOptions {
  /** The packs folder (`VEXTIR_PACKS_DIR`). */
  root: string;
  /** The npm registry (`VEXTIR_PACK_REGISTRY`). */
  registry: string;
  /** Expected integrity, when re-extracting what the lock records. */
  integrity?: string;
}

export async function fetchPack(source: PackSource, options: PackFetchOptions): Promise<FetchedPack> {
  const staged = join(options.root, '.staging', randomUUID());
  await mkdir(staged, { recursive: true });
  try {
    if (source.kind === 'folder') {
      await copyFolder(source.path, staged);
      const integrity = await folderIntegrity(staged);
      if (options.integrity !== undefined && integrity !== options.integrity) {
        throw new KernelError('conflict', `the folder ${source.path} changed since the pack was installed from it (integrity ${integrity}, the lock says ${options.integrity}); update the pack to consent to it again`);
      }
      return { staged, resolved: source.path, integrity };
    }
    const result = await pacote.extract(source.spec, staged, {
      registry: options.registry,
      cache: join(options.root, '.cache'),
      ...(options.integrity !== undefined && { integrity: options.integrity }),
      // Scripts would run the pack's code on the host, outside its sandbox.
      ...({ ignoreScripts: true } as object),
    });
    return { staged, resolved: result.resolved, integrity: result.integrity };
  } catch (error) {
    await rm(staged, { recursive: true, force: true });
    throw fetchError(error, source);
  }
}

/** Moves a fetched pack to `<root>/<name>/<version>` (replacing what was there) and returns that folder. */
export async function placePack(fetched: FetchedPack, root: string, name: string, version: string): Promise<string> {
  const target = packFolder(root, name, version);
  await mkdir(join(root, name), { recursive: true });
  await rm(target, { recursive: true, force: true });
  await rename(fetched.staged, target);
  await writeFile(`${target}.integrity`, fetched.integrity);
  return target;
}

export function packFolder(root: string, name: string, version: string): string {
  return join(root, name, version);
}

/** Whether the folder of a locked pack is on this machine with the integrity the lock records. */
export async function isPlaced(root: string, name: string, version: string, integrity: string): Promise<boolean> {
  try {
    return (await readFile(`${packFolder(root, name, version)}.integrity`, 'utf8')) === integrity;
  } catch {
    return false;
  }
}

export async function discard(fetched: FetchedPack): Promise<void> {
  await rm(fetched.staged, { recursive: true, force: true });
}

async function copyFolder(from: string, to: string): Promise<void> {
  const info = await stat(from).catch(() => undefined);
  if (info?.isDirectory() !== true) throw invalid('source', `there is no folder ${from} on the server`);
  let files = 0;
  let bytes = 0;
  for (const path of await listFiles(from)) {
    const entry = await lstat(join(from, path));
    if (entry.isSymbolicLink()) throw invalid('source', `${join(from, path)} is a symbolic link; a pack folder may hold only plain files`);
    files += 1;
    bytes += entry.size;
    if (files > MAX_FOLDER_FILES || bytes > MAX_FOLDER_BYTES) throw invalid('source', `${from} holds more than ${MAX_FOLDER_FILES} files or ${MAX_FOLDER_BYTES / 1024 / 1024} MiB`);
  }
  await cp(from, to, { recursive: true, filter: (path) => !relative(from, path).split(/[\\/]/).includes('.git') });
}

/** Relative paths of every file under `root` (not folders), sorted, `.git` left out. */
async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .filter((path) => !path.split(/[\\/]/).includes('.git'))
    .sort();
}

/** `sha512-<base64>` over each file's path, size and bytes, in path order. */
export async function folderIntegrity(root: string): Promise<string> {
  const hash = createHash('sha512');
  for (const path of await listFiles(root)) {
    const content = await readFile(join(root, path));
    hash.update(`${path.split('\\').join('/')}\0${content.length}\0`);
    hash.update(content);
  }
  return `sha512-${hash.digest('base64')}`;
}

function invalid(field: string, reason: string): KernelError {
  return new KernelError('invalid_input', reason, { details: { errors: [{ field, reason }] } });
}

/** pacote's errors (EINTEGRITY, E404, ETARGET, network) as the one error type, naming the spec. */
function fetchError(error: unknown, source: PackSource): unknown {
  if (error instanceof KernelError || source.kind === 'folder') return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'EINTEGRITY') return new KernelError('conflict', `${source.spec}: the tarball does not match its integrity (${message.split('\n')[0] ?? ''}); nothing was installed`, { cause: error });
  if (code === 'E404' || code === 'ETARGET') return new KernelError('not_found', `${source.spec}: no such package or version on the registry`, { cause: error });
  return new KernelError('unavailable', `${source.spec}: the registry could not be read: ${message}`, { cause: error });
}
