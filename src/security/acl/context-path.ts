/**
 * Context paths (`/Projects/Alpha/status`): the names of a user's documents in the context hub,
 * and the unit ACL grants are given on. Every path is normalized here before any check or
 * store access, so that two spellings can never name one document or dodge one grant.
 *
 * The canonical form, and what normalizeContextPath decides:
 * - absolute: it starts with "/"; a relative path is rejected (guessing a base would hide bugs),
 *   by every entry point alike (the CLI, the HTTP API, grants, `context.*` events), with the
 *   absolute spelling suggested when there is one: `Notes/first` is refused everywhere, naming
 *   `/Notes/first`, rather than accepted by some entry points and refused by others.
 * - the root is "/"; otherwise segments joined by "/", with no trailing slash. One trailing
 *   slash on input is tolerated and removed ("/A/" is the folder "/A").
 * - rejected, never repaired: empty segments ("//"), "." / ".." / any all-dots segment,
 *   backslashes, control characters (C0, DEL, C1, line and paragraph separators), bidi controls,
 *   zero-width characters, unpaired surrogates, a "%" escape left after decoding (double
 *   encoding), text that is not NFC or not equal to its NFKC form (fullwidth "．．" or "／",
 *   ligatures), leading or trailing whitespace in a segment, and any character outside the
 *   allow-list in path-segment.ts. Repairing would let "/A/./B" and "/A/B" diverge at some
 *   layer that does not repair the same way.
 * - case is preserved and significant ("/a" and "/A" are different documents).
 * - lengths are counted in UTF-8 bytes, as storage keys are.
 *
 * The input is what the caller received after ONE round of percent-decoding (an HTTP path)
 * or the string as-is (event data); this function decodes nothing itself.
 */
import { z } from 'zod';
import { KernelError } from '../../kernel/index.js';
import { quote, segmentProblem } from './path-segment.js';

export interface PathLimits {
  /** Whole path, UTF-8 bytes, without a trailing slash. */
  maxLength: number;
  /** Number of segments ("/" has 0, "/A/B" has 2). */
  maxDepth: number;
  /** One segment, UTF-8 bytes. */
  maxSegmentLength: number;
}

export const DEFAULT_PATH_LIMITS: PathLimits = Object.freeze({ maxLength: 1024, maxDepth: 32, maxSegmentLength: 255 });

export const ROOT_PATH = '/';

const encoder = new TextEncoder();

/**
 * The canonical form of `raw` (see the module comment), or KernelError `invalid_input` whose
 * message names the offending segment and character.
 */
export function normalizeContextPath(raw: string, limits: PathLimits = DEFAULT_PATH_LIMITS): string {
  if (limits !== DEFAULT_PATH_LIMITS || typeof raw !== 'string' || raw.length > MAX_REMEMBERED_LENGTH) return normalize(raw, limits);
  // A user's events name the same few paths again and again, and every context event has its
  // path normalized several times (the ACL, the policies' context.paths, the grant check): the
  // answers for valid paths are kept. A pure function of the string; refusals are not kept.
  let path = remembered.get(raw);
  if (path === undefined) {
    path = normalize(raw, limits);
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(raw, path);
  }
  return path;
}

const remembered = new Map<string, string>();
const MAX_REMEMBERED = 4096;
const MAX_REMEMBERED_LENGTH = 256;

function normalize(raw: string, limits: PathLimits): string {
  if (typeof raw !== 'string') invalid('a context path must be a string');
  if (raw === '') invalid('a context path must not be empty; the root is "/"');
  // Cheap bound before any Unicode work: UTF-8 never has fewer bytes than UTF-16 code units.
  if (raw.length > limits.maxLength + 1) invalid(`the context path is longer than ${limits.maxLength} bytes`);
  if (!raw.startsWith('/')) invalid(`the context path ${quote(raw)} is relative; it must start with "/"${suggestion(raw, limits)}`);
  if (raw === ROOT_PATH) return ROOT_PATH;

  const body = raw.endsWith('/') ? raw.slice(1, -1) : raw.slice(1);
  const segments = body.split('/');
  if (segments.length > limits.maxDepth) invalid(`the context path has ${segments.length} segments; at most ${limits.maxDepth} are allowed`);
  segments.forEach((segment, i) => {
    const problem = segmentProblem(segment, i + 1);
    if (problem !== undefined) invalid(`invalid context path: ${problem}`);
    const bytes = encoder.encode(segment).length;
    if (bytes > limits.maxSegmentLength) {
      invalid(`invalid context path: segment ${i + 1} (${quote(segment)}) is ${bytes} bytes; at most ${limits.maxSegmentLength} are allowed`);
    }
  });
  const path = `/${body}`;
  const bytes = encoder.encode(path).length;
  if (bytes > limits.maxLength) invalid(`the context path is ${bytes} bytes; at most ${limits.maxLength} are allowed`);
  return path;
}

/** The ancestors of a normalized path, root first: "/A/B/c" -> ["/", "/A", "/A/B"]; "/" -> []. */
export function parentPaths(path: string): string[] {
  if (path === ROOT_PATH) return [];
  const parents = [ROOT_PATH];
  for (let slash = path.indexOf('/', 1); slash !== -1; slash = path.indexOf('/', slash + 1)) {
    parents.push(path.slice(0, slash));
  }
  return parents;
}

/** Whether a normalized path is the folder or below it (`/AB` is not within `/A`): the stores' rule. */
export { isWithin } from '../../kernel/context/index.js';

/** Accepts only paths already in canonical form (for stored records and other trusted shapes). */
export const contextPathSchema = z.string().superRefine((value, context) => {
  try {
    if (normalizeContextPath(value) !== value) context.addIssue({ code: 'custom', message: 'must be a normalized context path (no trailing slash)' });
  } catch (error) {
    context.addIssue({ code: 'custom', message: error instanceof KernelError ? error.message : 'must be a context path' });
  }
});

/** ` (did you mean "/A/B"?)` when "/" + the relative path is a valid path, else nothing. */
function suggestion(relative: string, limits: PathLimits): string {
  try {
    return ` (did you mean ${quote(normalizeContextPath(`/${relative}`, limits))}?)`;
  } catch {
    return '';
  }
}

function invalid(message: string): never {
  throw new KernelError('invalid_input', message);
}
