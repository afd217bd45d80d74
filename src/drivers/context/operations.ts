/**
 * One function per request type: validate `data`, act on the store, return the answer event.
 * Throwing is how an operation fails; context-driver.ts decides which failures are answers
 * (`context.error`) and which make the kernel redeliver.
 *
 * Redelivery: the kernel may run a driver again for an event whose first run it could not
 * record (a crash between the store write and the commit). The event's own id and attempt
 * number tell the driver so: on a redelivery (attempt > 1), a write that finds its own content
 * already in place, a delete that finds nothing, and a move that finds the source gone and the
 * target present answer as the first run would have, instead of writing a second version (or
 * failing on their own earlier success). A first delivery never takes these shortcuts.
 */
import { isDeepStrictEqual } from 'node:util';
import { type z } from 'zod';
import { type ContextEntry, type ContextStore, type ContextSummary, type DriverContext, type EmittedEvent, type Envelope, KernelError } from '../../kernel/index.js';
import { writeDocument } from '../../kernel/context/index.js';
import { deleteRequestSchema, listRequestSchema, moveRequestSchema, readRequestSchema, writeRequestSchema } from './requests.js';
import { resolveTarget, type TargetDeps } from './target.js';

/** An event's `subject` is at most 512 characters; a path may be longer. */
const MAX_SUBJECT = 512;

export interface OperationDeps extends TargetDeps {
  store: ContextStore;
  /** A read answers without the content past this many bytes (a bus message is bounded). */
  maxEventContentBytes: number;
}

export type Operation = (deps: OperationDeps, event: Envelope, context: DriverContext) => Promise<EmittedEvent>;

/** `data` against its schema; a mismatch is `invalid_input` naming each field. */
export function parseData<S extends z.ZodType>(schema: S, event: Envelope): z.output<S> {
  const parsed = schema.safeParse(event.data ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? `data.${issue.path.join('.')}` : 'data';
    return issue.code === 'unrecognized_keys' ? `${where}: unknown field(s) ${issue.keys.join(', ')}` : `${where}: ${issue.message}`;
  });
  throw new KernelError('invalid_input', `${event.type} is invalid: ${issues.join('; ')}`);
}

/** The answer to `event`: `requestId` correlates it (as do its causation and correlation ids); `subject` is the path when it fits. */
export function answer(event: Envelope, type: string, path: string | undefined, data: Record<string, unknown>): EmittedEvent {
  const subject = path !== undefined && path.length <= MAX_SUBJECT ? { subject: path } : {};
  return { type, ...subject, data: { requestId: event.id, ...data } };
}

export function summary(entry: ContextEntry | ContextSummary): ContextSummary {
  const { content: _content, ...rest } = entry as ContextEntry;
  return rest;
}

export const read: Operation = async (deps, event) => {
  const request = parseData(readRequestSchema, event);
  const target = await resolveTarget(deps, event, request.path, 'path', request.owner, 'read');
  const entry = await deps.store.get(target.owner, target.path);
  if (entry === undefined) throw new KernelError('not_found', `there is no document or folder at ${target.path}`);
  let found: Record<string, unknown> = { ...entry };
  if (request.version !== undefined && request.version !== entry.version) {
    const version = (await deps.store.versions(target.owner, target.path)).find((candidate) => candidate.version === request.version);
    if (version === undefined) throw new KernelError('not_found', `${target.path} has no version ${request.version}`);
    found = { path: target.path, kind: 'document', ...version };
  }
  const size = typeof found['size'] === 'number' ? found['size'] : 0;
  if (size > deps.maxEventContentBytes) {
    const { content: _content, ...withoutContent } = found;
    return answer(event, 'context.read.result', target.path, { ...target, entry: withoutContent, contentOmitted: `larger than the ${deps.maxEventContentBytes} bytes an event carries; GET /api/context${target.path}` });
  }
  return answer(event, 'context.read.result', target.path, { ...target, entry: found });
};

export const write: Operation = async (deps, event, context) => {
  const request = parseData(writeRequestSchema, event);
  const target = await resolveTarget(deps, event, request.path, 'path', request.owner, 'write');
  const contentType = request.contentType ?? (typeof request.content === 'string' ? 'text/plain' : 'application/json');
  const document = { content: request.content, contentType, ...(request.metadata !== undefined && { metadata: request.metadata }) };
  if (request.ifMatch !== undefined && request.ifNoneMatch !== undefined) throw new KernelError('invalid_input', 'data.ifMatch and data.ifNoneMatch cannot be combined');
  if (context.attempt > 1) {
    const current = await deps.store.get(target.owner, target.path);
    const same = current?.kind === 'document' && current.contentType === contentType && isDeepStrictEqual(current.content, request.content);
    if (same && (request.metadata === undefined || isDeepStrictEqual(current.metadata, request.metadata))) {
      return answer(event, 'context.updated', target.path, { ...target, created: current.version === 1, entry: summary(current) });
    }
  }
  const options = request.ifNoneMatch !== undefined ? { ifNoneMatch: request.ifNoneMatch } : request.ifMatch !== undefined ? { ifMatch: request.ifMatch } : {};
  const { entry, created } = await writeDocument(deps.store, target.owner, target.path, document, options);
  return answer(event, 'context.updated', target.path, { ...target, created, entry: summary(entry) });
};

export const remove: Operation = async (deps, event, context) => {
  const request = parseData(deleteRequestSchema, event);
  const target = await resolveTarget(deps, event, request.path, 'path', request.owner, 'write');
  const options = { recursive: request.recursive, ...(request.ifMatch !== undefined && { ifMatch: request.ifMatch }) };
  let removed: number;
  try {
    removed = await deps.store.delete(target.owner, target.path, options);
  } catch (error) {
    if (!(context.attempt > 1 && error instanceof KernelError && error.code === 'not_found')) throw error;
    removed = 0; // removed by the first run of this event
  }
  if (removed === 0 && context.attempt === 1) throw new KernelError('not_found', `there is no document or folder at ${target.path}`);
  return answer(event, 'context.deleted', target.path, { ...target, removed });
};

export const move: Operation = async (deps, event, context) => {
  const request = parseData(moveRequestSchema, event);
  const source = await resolveTarget(deps, event, request.path, 'path', request.owner, 'write');
  const target = await resolveTarget(deps, event, request.to, 'to', request.owner, 'write');
  try {
    const moved = await deps.store.move(source.owner, source.path, target.path, request.ifMatch === undefined ? {} : { ifMatch: request.ifMatch });
    return answer(event, 'context.moved', source.path, { ...source, to: target.path, entry: summary(moved) });
  } catch (error) {
    if (context.attempt === 1 || !(error instanceof KernelError) || (error.code !== 'not_found' && error.code !== 'precondition_failed')) throw error;
    const [from, to] = await Promise.all([deps.store.get(source.owner, source.path), deps.store.get(target.owner, target.path)]);
    if (from !== undefined || to === undefined) throw error;
    return answer(event, 'context.moved', source.path, { ...source, to: target.path, entry: summary(to) });
  }
};

export const list: Operation = async (deps, event) => {
  const request = parseData(listRequestSchema, event);
  const target = await resolveTarget(deps, event, request.path, 'path', request.owner, 'read');
  const page = await deps.store.list(target.owner, target.path, { limit: request.limit, ...(request.cursor !== undefined && { cursor: request.cursor }) });
  return answer(event, 'context.list.result', target.path, { ...target, entries: page.entries.map(summary), ...(page.next !== undefined && { next: page.next }) });
};
