/**
 * The one shape of a query-language error: KernelError `invalid_input` whose message and
 * `details.errors[].reason` name where in the text the problem is (`at column 14: expected a
 * value after "=", found end of query`), so a user can fix the query without reading a grammar.
 * `details.errors` entries are exactly `{ field, reason }`, the shape the HTTP layer turns into
 * problem+json `errors`; the position is also given as numbers in `details.position`.
 */
import { KernelError } from '../errors.js';

/** A text being parsed and the request parameter it came from (`where`, `orderBy`). */
export interface QuerySource {
  readonly field: string;
  readonly text: string;
}

export interface QueryIssue {
  field: string;
  reason: string;
}

/**
 * Line and column (1-based) of a UTF-16 offset. Columns count code points, so a non-ASCII
 * character before the error counts once. Computed only when an error is raised.
 */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  let line = 1;
  for (let index = before.indexOf('\n'); index !== -1; index = before.indexOf('\n', index + 1)) line += 1;
  return { line, column: Array.from(before.slice(lineStart)).length + 1 };
}

/** `column 14`, or `line 2, column 3` when the text has several lines. */
export function describePosition(text: string, offset: number): string {
  const position = positionOf(text, offset);
  return text.includes('\n') ? `line ${position.line}, column ${position.column}` : `column ${position.column}`;
}

/** The error for a problem at `offset` in `source`. */
export function syntaxError(source: QuerySource, offset: number, message: string): KernelError {
  const position = positionOf(source.text, offset);
  const reason = `at ${describePosition(source.text, offset)}: ${message}`;
  return new KernelError('invalid_input', `invalid ${source.field}: ${reason}`, {
    details: { errors: [{ field: source.field, reason }], position },
  });
}

/** The error for a problem with a whole parameter (too long, not a string). */
export function parameterError(field: string, reason: string): KernelError {
  return new KernelError('invalid_input', `invalid ${field}: ${reason}`, { details: { errors: [{ field, reason }] } });
}

/** The issues an error raised by this module carries (one per parameter). */
export function issuesOf(error: KernelError): QueryIssue[] {
  const errors = error.details?.['errors'];
  if (!Array.isArray(errors)) return [{ field: 'query', reason: error.message }];
  return errors.filter((issue: unknown): issue is QueryIssue => {
    const candidate = issue as Partial<Record<keyof QueryIssue, unknown>> | null | undefined;
    return typeof candidate?.field === 'string' && typeof candidate.reason === 'string';
  });
}

/** A short, quoted rendering of user text for messages (long strings are cut). */
export function quoteText(text: string, max = 24): string {
  const chars = Array.from(text);
  return JSON.stringify(chars.length > max ? `${chars.slice(0, max).join('')}…` : text);
}
