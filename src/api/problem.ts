/**
 * RFC 9457 problem details: the one place a KernelError becomes an HTTP status and body.
 * Handlers throw KernelErrors; createApi turns whatever was thrown into a problem response here.
 */
import { z } from 'zod';
import type { KernelError, KernelErrorCode } from '../kernel/index.js';
import type { ApiResponse } from './types.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * Where a validation error is: a JSON pointer into the body (`/type`, `/0/id`), or a named
 * field outside it (a `ce-*` header, a query parameter, `body` for a binary-mode payload).
 * An instruction's problems also name the step (`/plan/1/depends_on`, step `read`).
 */
export const validationIssueSchema = z.union([
  z.strictObject({ pointer: z.string(), step: z.string().optional(), reason: z.string() }),
  z.strictObject({ field: z.string(), reason: z.string() }),
]);
export type ValidationIssue = z.infer<typeof validationIssueSchema>;
const issueListSchema = z.array(validationIssueSchema).min(1);

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: ValidationIssue[];
}

interface ProblemKind {
  status: number;
  title: string;
  /** Shown instead of the error's message for server faults, which may carry internals. */
  publicDetail?: string;
}

/** Exhaustive over KernelErrorCode, so a new code does not compile until it has a status. */
const KINDS: Record<KernelErrorCode, ProblemKind> = {
  invalid_input: { status: 400, title: 'Invalid input' },
  depth_exceeded: { status: 400, title: 'Event chain too deep' },
  unauthenticated: { status: 401, title: 'Unauthenticated' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  precondition_failed: { status: 412, title: 'Precondition failed' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal error', publicDetail: 'the server failed to handle the request; the failure was logged' },
  not_supported: { status: 501, title: 'Not supported', publicDetail: 'this deployment cannot perform the operation' },
  driver_failed: { status: 502, title: 'Driver failed', publicDetail: 'a driver failed while handling the request' },
  unavailable: { status: 503, title: 'Service unavailable', publicDetail: 'a dependency is unavailable; retry later' },
  shutting_down: { status: 503, title: 'Shutting down', publicDetail: 'the server is shutting down; retry later' },
  driver_timeout: { status: 504, title: 'Driver timed out', publicDetail: 'a driver did not answer in time' },
};

/** `type` is a URN: it identifies the kind of problem without promising a page to dereference. */
export function problemType(name: string): string {
  return `urn:vextir:problem:${name}`;
}

export function problemJson(problem: Problem, headers: Record<string, string> = {}): ApiResponse {
  return { status: problem.status, headers: { ...headers, 'content-type': PROBLEM_CONTENT_TYPE }, body: JSON.stringify(problem) };
}

export function problemResponse(error: KernelError): ApiResponse {
  // toKernelError keeps the code of a look-alike error from another copy of the class, unchecked.
  const kind = Object.hasOwn(KINDS, error.code) ? KINDS[error.code] : KINDS.internal;
  const problem: Problem = { type: problemType(kind === KINDS.internal ? 'internal' : error.code), title: kind.title, status: kind.status, detail: kind.publicDetail ?? error.message };
  const errors = issueListSchema.safeParse(error.details?.['errors']);
  if (errors.success && kind.publicDetail === undefined) problem.errors = errors.data;
  const headers: Record<string, string> = {};
  if (error.code === 'unauthenticated') headers['www-authenticate'] = 'Bearer realm="vextir"';
  if (error.code === 'rate_limited' || (kind.status === 503 && error.retryAfterMs !== undefined)) {
    headers['retry-after'] = String(Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000)));
  }
  return problemJson(problem, headers);
}
