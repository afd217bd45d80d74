/**
 * The user's Context Hub documents as read-only MCP resources, `vextir://context/{+path}`
 * (`vextir://context/Projects/Alpha/status` is `/Projects/Alpha/status`, each segment
 * percent-encoded). Listing and reading are the context_query and context_read tools' calls,
 * so they are events under the same ACLs, policies and audit as every other call.
 */
import { ErrorCode, McpError, type ReadResourceResult, type Resource, type ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import { isJsonContentType } from '../../kernel/context/index.js';
import { isKernelError, KernelError } from '../../kernel/index.js';
import type { ToolDefinition } from '../../registries/tools/index.js';
import { recordRefusal } from '../audit-trail.js';
import type { AuthenticatedContext } from '../handlers/context.js';
import { contextPath } from '../handlers/context-shared.js';
import { callThroughEvents } from './event-call.js';

const URI_PREFIX = 'vextir://context/';
/** The spec's code for a resource that does not exist. */
const RESOURCE_NOT_FOUND = -32002;
/** resources/list shows the most recently changed documents; the rest are reachable through the template. */
export const LISTED_RESOURCES = 50;

export const CONTEXT_TEMPLATE: ResourceTemplate = {
  uriTemplate: `${URI_PREFIX}{+path}`,
  name: 'context-document',
  title: 'Context Hub document',
  description: "A document in the user's Context Hub by its path, e.g. vextir://context/Projects/Alpha/status for /Projects/Alpha/status.",
};

export function resourceUri(path: string): string {
  return URI_PREFIX + path.slice(1).split('/').map(encodeURIComponent).join('/');
}

export async function listResources(context: AuthenticatedContext): Promise<Resource[]> {
  const args = { prefix: '/', orderBy: 'updatedAt desc', limit: LISTED_RESOURCES, kinds: 'document' };
  const value = await answerOf(context, 'context_query', args, '/');
  const entries = Array.isArray(value['entries']) ? (value['entries'] as Array<Record<string, unknown>>) : [];
  return entries.flatMap((entry) => {
    const path = entry['path'];
    if (typeof path !== 'string') return [];
    return [{ uri: resourceUri(path), name: path, ...(typeof entry['contentType'] === 'string' && { mimeType: entry['contentType'] }), ...(typeof entry['size'] === 'number' && { size: entry['size'] }) }];
  });
}

export async function readResource(context: AuthenticatedContext, uri: string): Promise<ReadResourceResult> {
  let path: string;
  try {
    path = pathOf(uri);
  } catch (error) {
    // Refused before any event exists: audited as createApi audits a refused HTTP request.
    await recordRefusal(context.services, context.request, context.identity.userId, 400, 'invalid_input', `MCP resource read refused: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
  const value = await answerOf(context, 'context_read', { path }, path);
  const entry = typeof value['entry'] === 'object' && value['entry'] !== null ? (value['entry'] as Record<string, unknown>) : {};
  if (entry['kind'] === 'folder') throw new McpError(ErrorCode.InvalidParams, `${path} is a folder, not a document: list documents with the context_query tool`);
  if (typeof value['contentOmitted'] === 'string') throw new McpError(ErrorCode.InvalidRequest, `${path} is too large to read here (${value['contentOmitted']})`);
  const contentType = typeof entry['contentType'] === 'string' ? entry['contentType'] : 'application/json';
  const text = isJsonContentType(contentType) ? JSON.stringify(entry['content']) : String(entry['content']);
  return { contents: [{ uri, mimeType: contentType, text }] };
}

/** `vextir://context/A/b%20c` -> `/A/b c`, normalized as a URL path of /api/context is. */
function pathOf(uri: string): string {
  if (!uri.startsWith(URI_PREFIX)) throw new McpError(ErrorCode.InvalidParams, `unknown resource "${uri}": resources are ${CONTEXT_TEMPLATE.uriTemplate}`);
  try {
    const segments = uri.slice(URI_PREFIX.length).split('/').map((segment) => decodeURIComponent(segment));
    return contextPath(`/${segments.join('/')}`, 'uri');
  } catch (error) {
    const reason = error instanceof KernelError ? (error.details?.['errors'] as Array<{ reason: string }> | undefined)?.[0]?.reason ?? error.message : 'is not percent-encoded correctly';
    throw new McpError(ErrorCode.InvalidParams, `the resource "${uri}" does not name a context path: ${reason}`);
  }
}

/** Calls a registry tool through events; a refusal becomes the JSON-RPC error resources answer with. */
async function answerOf(context: AuthenticatedContext, name: string, args: Record<string, unknown>, path: string): Promise<Record<string, unknown>> {
  const tool = context.services.tools.get(name);
  if (tool === undefined) throw new McpError(ErrorCode.InternalError, `the ${name} tool is not registered`);
  const outcome = await callThroughEvents(context, tool, checked(context, tool, args)).catch((error: unknown) => {
    // Too many of the caller's events wait for a rate limit: the message says when to retry.
    if (isKernelError(error, 'rate_limited')) throw new McpError(ErrorCode.InvalidRequest, `reading ${path} is refused for now: ${error.message}`);
    throw error;
  });
  if (outcome.kind === 'answered') {
    const result = tool.fromReply(outcome.reply);
    if (result.ok) return typeof result.value === 'object' && result.value !== null ? (result.value as Record<string, unknown>) : {};
    const data = outcome.reply.data as Record<string, unknown> | undefined;
    if (data?.['code'] === 'not_found') throw new McpError(RESOURCE_NOT_FOUND, `Resource not found: there is no document at ${path}`, { uri: resourceUri(path) });
    throw new McpError(ErrorCode.InvalidRequest, result.error);
  }
  if (outcome.kind === 'withheld') throw new McpError(ErrorCode.InvalidRequest, `${path}: the answer is not given to MCP clients: ${outcome.reason}`);
  if (outcome.kind === 'awaiting_approval') throw new McpError(ErrorCode.InvalidRequest, `reading ${path} waits for a person's approval (${outcome.reason}); event ${outcome.eventId}`);
  if (outcome.kind === 'throttled') throw new McpError(ErrorCode.InvalidRequest, `reading ${path} was delayed by a rate limit (${outcome.reason}) until ${outcome.runAt ?? 'the next window'}; event ${outcome.eventId}`);
  if (outcome.kind === 'unanswered') throw new McpError(ErrorCode.InternalError, `no answer for ${path}: the event ${outcome.eventId} ended ${outcome.status}: ${outcome.reason}`);
  throw new McpError(ErrorCode.InternalError, `no answer for ${path} in time: the event ${outcome.eventId} is still ${'status' in outcome ? outcome.status : 'pending'}`);
}

function checked(context: AuthenticatedContext, tool: ToolDefinition, args: Record<string, unknown>): Record<string, unknown> {
  const validation = context.services.tools.validate(tool, args);
  if (!validation.ok) throw new McpError(ErrorCode.InvalidParams, validation.issues.join('; '));
  return validation.value;
}
