/**
 * The built-in `context` driver: the Context Hub for agents and tools, over events.
 *
 * | request          | `data`                                                         | answer                 |
 * |------------------|----------------------------------------------------------------|------------------------|
 * | `context.read`   | `{path, owner?, version?}`                                     | `context.read.result`  |
 * | `context.write`  | `{path, content, contentType?, metadata?, ifMatch?, ifNoneMatch?: "*", owner?}` | `context.updated` |
 * | `context.delete` | `{path, recursive?, ifMatch?, owner?}`                         | `context.deleted`      |
 * | `context.move`   | `{path, to, ifMatch?, owner?}`                                 | `context.moved`        |
 * | `context.list`   | `{path? ("/"), limit?, cursor?, owner?}`                       | `context.list.result`  |
 * | `context.query`  | `{prefix?, where? (text or AST), orderBy? (text or list), limit?, kinds?, owner?}` | `context.query.result` |
 * | `context.search` | `{text, prefix?, limit?, owner?}`                              | `context.search.result`|
 *
 * Every answer carries `requestId` (the request's event id; it is also the answer's causation
 * id) plus `owner` and `path`. What the request asked for that cannot be done — a missing
 * document, a stale `ifMatch`, a bad path or query, no grant on another user's `owner` hub —
 * is answered with `context.error {requestId, request, code, message}` (codes as KernelError's:
 * not_found, precondition_failed, conflict, invalid_input, forbidden, payload_too_large), and the
 * event counts as processed: an answer, not a driver failure. A store that is unavailable makes
 * the driver throw a retryable error, so the kernel redelivers the request; redelivered writes
 * do not create a second version (see operations.ts).
 *
 * A read answers without `content` (with `contentOmitted` saying why) when the document is
 * larger than an event may carry; the HTTP API serves it whole.
 */
import { type ContextAccessControl, type ContextStore, type Driver, KernelError, type KernelErrorCode, toKernelError } from '../../kernel/index.js';
import type { ContextWorkspace } from '../../kernel/context/index.js';
import { defineDriver } from '../define-driver.js';
import { answer, list, move, read, remove, write, type Operation, type OperationDeps } from './operations.js';
import { query, search } from './query-operations.js';

export interface ContextDriverDeps {
  store: ContextStore;
  /** Who may touch which path (the security module implements it; see the kernel's port). */
  access: ContextAccessControl;
  workspace: ContextWorkspace;
  /** Default 192 KiB: under Service Bus's 256 KB message limit with room for the envelope. */
  maxEventContentBytes?: number;
}

const OPERATIONS: Readonly<Record<string, Operation>> = Object.freeze({
  'context.read': read,
  'context.write': write,
  'context.delete': remove,
  'context.move': move,
  'context.list': list,
  'context.query': query,
  'context.search': search,
});

/** Failures that are the request's, answered with `context.error`; anything else is thrown (store outages are retried). */
const ANSWERED: ReadonlySet<KernelErrorCode> = new Set([
  'invalid_input', 'not_found', 'conflict', 'precondition_failed', 'payload_too_large', 'forbidden', 'unsupported_media_type',
]);

export function createContextDriver(deps: ContextDriverDeps): Driver {
  const operationDeps: OperationDeps = { ...deps, maxEventContentBytes: deps.maxEventContentBytes ?? 192 * 1024 };
  return defineDriver({
    manifest: {
      id: 'context',
      name: 'Context Hub',
      version: '1.0.0',
      type: 'tool',
      author: 'Vextir OS',
      description: "Reads, writes, queries and searches the user's Context Hub for context.* request events",
      capabilities: Object.keys(OPERATIONS),
      external: false, // the hub is inside the system
      resources: { timeout: '30s', maxConcurrency: 64 },
    },
    async handle(event, context) {
      const operation = OPERATIONS[event.type];
      if (operation === undefined) throw new KernelError('internal', `the context driver was routed ${event.type}, which it does not handle`, { retryable: false });
      try {
        return [await operation(operationDeps, event, context)];
      } catch (caught) {
        const error = toKernelError(caught);
        if (!ANSWERED.has(error.code)) throw error;
        return [answer(event, 'context.error', undefined, { request: event.type, code: error.code, message: error.message })];
      }
    },
  });
}
