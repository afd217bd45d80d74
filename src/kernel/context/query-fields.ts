/**
 * Field names as users write them, and as the AST holds them (FIELD_PATH in query.ts).
 *
 * - A built-in (`path`, `name`, `kind`, `contentType`, `size`, `version`, `createdAt`,
 *   `updatedAt`) is itself.
 * - `metadata.priority` is the explicit form of a metadata field; `priority` (any name whose
 *   first segment is not a built-in) is its short form. Dots reach into nested objects:
 *   `project.owner` is `metadata.project.owner`.
 * - Names are case-sensitive, as metadata keys are. A name that differs from a built-in or from
 *   `metadata` only by case (`CreatedAt`, `Metadata.x`) is refused rather than silently read as
 *   a metadata field: it is almost always a typo. The explicit form reaches such a key anyway
 *   (`metadata.CreatedAt`), as it does keys named like a keyword (`metadata.in`) or a built-in
 *   (`metadata.path`).
 */
import { quoteText } from './query-errors.js';
import { isKeyword } from './query-lexer.js';

export const BUILT_IN_FIELDS = ['path', 'name', 'kind', 'contentType', 'size', 'version', 'createdAt', 'updatedAt'] as const;
export type BuiltInField = (typeof BUILT_IN_FIELDS)[number];

/** The type of each built-in's value; metadata fields hold any JSON value. */
export const BUILT_IN_TYPES: Readonly<Record<BuiltInField, 'string' | 'number'>> = Object.freeze({
  path: 'string', name: 'string', kind: 'string', contentType: 'string', size: 'number', version: 'number', createdAt: 'string', updatedAt: 'string',
});

/** The values `kind` can hold. */
export const ENTRY_KINDS = ['document', 'folder'] as const;

/** Limits of FIELD_PATH: `metadata.` plus 1-8 segments of at most 64 characters. */
const MAX_METADATA_SEGMENTS = 8;
const MAX_SEGMENT_LENGTH = 64;

const BUILT_INS: ReadonlySet<string> = new Set(BUILT_IN_FIELDS);
/** Lower-cased built-ins and `metadata`, to the canonical spelling. */
const CASE_FOLDED = new Map<string, string>([...BUILT_IN_FIELDS, 'metadata'].map((name) => [name.toLowerCase(), name]));

export function isBuiltInField(field: string): field is BuiltInField {
  return BUILT_INS.has(field);
}

/** The AST field for a (dotted, ASCII) name as written, or why it names none. */
export function resolveFieldName(written: string): { field: string } | { problem: string } {
  const segments = written.split('.');
  const first = segments[0] ?? '';
  if (segments.length === 1 && BUILT_INS.has(first)) return { field: first };
  let rest: string[];
  if (first === 'metadata') {
    if (segments.length === 1) return { problem: '"metadata" needs a field name after it: metadata.<name>' };
    rest = segments.slice(1);
  } else if (BUILT_INS.has(first)) {
    return { problem: `the built-in field ${first} has no sub-fields; for a metadata field write metadata.${written}` };
  } else {
    const canonical = CASE_FOLDED.get(first.toLowerCase());
    if (canonical !== undefined) {
      const suggestion = [canonical, ...segments.slice(1)].join('.');
      return { problem: `field names are case-sensitive: did you mean ${suggestion}? For a metadata field named ${first}, write metadata.${written}` };
    }
    rest = segments;
  }
  if (rest.length > MAX_METADATA_SEGMENTS) {
    return { problem: `a metadata field has at most ${MAX_METADATA_SEGMENTS} levels of names; ${quoteText(written, 40)} has ${rest.length}` };
  }
  const long = rest.find((segment) => segment.length > MAX_SEGMENT_LENGTH);
  if (long !== undefined) return { problem: `the name ${long.slice(0, 16)}… is ${long.length} characters long; at most ${MAX_SEGMENT_LENGTH} are allowed` };
  return { field: `metadata.${rest.join('.')}` };
}

/**
 * How a field is written back: the short form where it reads back as the same field (and is
 * not a keyword in the way), else the explicit `metadata.` form.
 */
export function formatFieldName(field: string): string {
  if (!field.startsWith('metadata.')) return field;
  const rest = field.slice('metadata.'.length);
  const first = rest.split('.')[0] ?? '';
  return isKeyword(first) || CASE_FOLDED.has(first.toLowerCase()) ? field : rest;
}
