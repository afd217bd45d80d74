/**
 * Reading a pack's folder: `vextir-pack.yaml` validated (every bad field named as a JSON pointer
 * into it), the Vextir versions it works with checked against this one, the npm package's name
 * and version (when it has a package.json) agreeing with the manifest, and the documents its
 * `contents` name read as YAML. The documents are validated by their own formats when they are
 * activated (src/wiring/packs.ts); here only what the permissions checks need is read.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KernelError } from '../kernel/index.js';
import { PACK_MANIFEST_FILE, packManifestSchema, type PackManifest } from './manifest.js';
import { normalizePermissions } from './permissions.js';

const MAX_DOCUMENT_BYTES = 256 * 1024;

export type ContentKind = 'agents' | 'instructions' | 'apps' | 'policies' | 'mcp_servers';
export const CONTENT_KINDS: readonly ContentKind[] = ['agents', 'instructions', 'apps', 'policies', 'mcp_servers'];

/** One document of the pack's contents: the file it came from and its parsed YAML. */
export interface PackDocument {
  file: string;
  value: unknown;
}

export interface LoadedPack {
  root: string;
  manifest: PackManifest;
  documents: Record<ContentKind, PackDocument[]>;
}

/** Throws KernelError `invalid_input` naming the file and field for anything wrong. */
export async function loadPack(root: string, vextirVersion: string): Promise<LoadedPack> {
  const text = await readText(root, PACK_MANIFEST_FILE, `the folder has no ${PACK_MANIFEST_FILE} (every pack has one at its root)`);
  const parsed = packManifestSchema.safeParse(parseDocument(text, PACK_MANIFEST_FILE));
  if (!parsed.success) throw manifestInvalid(parsed.error);
  const manifest: PackManifest = { ...parsed.data, permissions: normalizePermissions(parsed.data.permissions) };
  checkVextirRange(manifest, vextirVersion);
  await checkPackageJson(root, manifest);
  const documents = Object.fromEntries(
    await Promise.all(
      CONTENT_KINDS.map(async (kind) => [kind, await Promise.all(manifest.contents[kind].map(async (file, index) => ({ file, value: parseDocument(await readText(root, file, `contents.${kind}[${index}] names ${file}, which the pack does not have`), file) })))] as const),
    ),
  ) as Record<ContentKind, PackDocument[]>;
  return { root, manifest, documents };
}

function checkVextirRange(manifest: PackManifest, version: string): void {
  if (semver.validRange(manifest.vextir) === null) throw invalid('/vextir', `"${manifest.vextir}" is not a version range such as ">=0.1.0 <2"`);
  if (!semver.satisfies(version, manifest.vextir, { includePrerelease: true })) {
    throw invalid('/vextir', `the pack works with Vextir OS ${manifest.vextir}; this is ${version}`);
  }
}

const packageJsonSchema = z.object({ name: z.string(), version: z.string() });

/** An npm pack's package.json must be the same package as its manifest (same version, so the registry's version is the pack's). */
async function checkPackageJson(root: string, manifest: PackManifest): Promise<void> {
  let text: string;
  try {
    text = await readFile(join(root, 'package.json'), 'utf8');
  } catch {
    return; // a folder pack need not be an npm package
  }
  const parsed = packageJsonSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new KernelError('invalid_input', 'package.json: must have a "name" and a "version"', { details: { errors: [{ field: 'package.json', reason: 'must have a "name" and a "version"' }] } });
  if (parsed.data.version !== manifest.version) throw invalid('/version', `is ${manifest.version} but package.json says ${parsed.data.version}; they must agree`);
}

async function readText(root: string, file: string, missing: string): Promise<string> {
  let buffer: Buffer;
  try {
    buffer = await readFile(join(root, file));
  } catch {
    throw new KernelError('invalid_input', missing, { details: { errors: [{ field: file, reason: 'is missing' }] } });
  }
  if (buffer.length > MAX_DOCUMENT_BYTES) throw new KernelError('invalid_input', `${file} is larger than ${MAX_DOCUMENT_BYTES / 1024} KiB`, { details: { errors: [{ field: file, reason: 'is too large' }] } });
  return buffer.toString('utf8');
}

function parseDocument(text: string, file: string): unknown {
  try {
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    const reason = `is not valid YAML: ${(error as Error).message.split('\n')[0] ?? ''}`;
    throw new KernelError('invalid_input', `${file} ${reason}`, { details: { errors: [{ field: file, reason }] } });
  }
}

function manifestInvalid(error: z.ZodError): KernelError {
  const errors = error.issues.flatMap((issue) => {
    const pointer = issue.path.map((part) => `/${String(part)}`).join('');
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ pointer: `${pointer}/${key}`, reason: 'is not a field of the pack manifest' }));
    return [{ pointer, reason: issue.input === undefined && issue.code === 'invalid_type' ? 'is required' : issue.message }];
  });
  const listed = errors.map((entry) => `${entry.pointer || '(root)'} ${entry.reason}`).join('; ');
  return new KernelError('invalid_input', `${PACK_MANIFEST_FILE} is invalid: ${listed}`, { details: { errors } });
}

function invalid(pointer: string, reason: string): KernelError {
  return new KernelError('invalid_input', `${PACK_MANIFEST_FILE}: ${pointer} ${reason}`, { details: { errors: [{ pointer, reason }] } });
}
