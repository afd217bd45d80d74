/**
 * The Node command line of a pack's process: the permission model (`--permission` where Node
 * has it, `--experimental-permission` on Node 20), file system grants, what `runtime` declares
 * and the heap limit. Verified on Node 20.20 and 22.23 (docs/pack-sandbox.md).
 */
import { resolve } from 'node:path';
import { KernelError } from '../../kernel/index.js';
import type { PackPermissions } from '../manifest.js';

const FLAGS = process.allowedNodeEnvironmentFlags;

/** Node ≥ 22.13 spells it `--permission`; Node 20 knows only the experimental name. */
export const PERMISSION_FLAG = FLAGS.has('--permission') ? '--permission' : '--experimental-permission';
/**
 * Node ≥ 25 has a network permission: under `--permission` a process may open no socket unless
 * `--allow-net` is given, and the sandbox never gives it. Node 20 and 22 have none.
 */
export const NODE_CUTS_NETWORK = FLAGS.has('--allow-net');

export interface NodeArgsInput {
  /** The pack's root, a real path (symbolic links resolved). */
  root: string;
  /** The folder of the sandbox's own child modules. */
  entryDir: string;
  entry: string;
  runtime: PackPermissions['runtime'];
  heapMb?: number | undefined;
}

export function nodeArgs(input: NodeArgsInput): string[] {
  const { runtime } = input;
  const args = [PERMISSION_FLAG, '--disable-warning=ExperimentalWarning', `--allow-fs-read=${input.entryDir}`, `--allow-fs-read=${input.root}`];
  // Paths are repeated flags: a comma-separated list would be one path.
  for (const file of runtime.files.read) args.push(`--allow-fs-read=${resolve(input.root, file)}`);
  for (const file of runtime.files.write) args.push(`--allow-fs-write=${resolve(input.root, file)}`);
  if (runtime.childProcesses) args.push('--allow-child-process');
  if (runtime.workers) args.push('--allow-worker');
  if (runtime.addons) {
    if (!FLAGS.has('--allow-addons')) throw new KernelError('not_supported', `this Node (${process.version}) cannot allow native addons under the permission model`);
    args.push('--allow-addons');
  }
  if (input.heapMb !== undefined) args.push(`--max-old-space-size=${input.heapMb}`);
  args.push(input.entry);
  return args;
}

/** `512MB` → 512; `2GB` → 2048; `800KB` → 1 (never below 1). */
export function heapMegabytes(memory: string): number {
  const match = /^(\d+)(KB|MB|GB)$/.exec(memory);
  if (!match) throw new KernelError('invalid_input', `memory "${memory}" must look like "256MB"`);
  const amount = Number(match[1]);
  const mb = match[2] === 'GB' ? amount * 1024 : match[2] === 'KB' ? Math.ceil(amount / 1024) : amount;
  return Math.max(1, mb);
}
