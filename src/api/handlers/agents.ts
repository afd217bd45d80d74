/**
 * GET /api/agents, GET|PUT|DELETE /api/agents/{id}: agents as data. A user sees the built-in
 * agents, the project file's and their own; they write only their own (kept in the StateStore,
 * visible to nobody else), as a YAML or JSON document guarded by its ETag. Every change is
 * audited like a policy change.
 */
import { stringify as toYaml } from 'yaml';
import { KernelError } from '../../kernel/index.js';
import { readAgentDocument, type AgentEntry } from '../../registries/agents/index.js';
import { recordAdminChange } from '../audit-trail.js';
import { prefersYaml, readDocument, YAML_CONTENT_TYPE } from '../documents.js';
import { json } from '../responses.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext } from './context.js';
import { quoteEtag, unquoteEtag } from './context-shared.js';

const MAX_AGENT_DOCUMENT_BYTES = 256 * 1024;

export async function listAgents({ services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const entries = await services.agents.list(identity.userId);
  return json(200, { agents: entries.map(view) });
}

export async function getAgent({ request, params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const entry = await found(services, identity.userId, params['id'] ?? '');
  const etag = entry.etag === undefined ? {} : { etag: quoteEtag(entry.etag) };
  if (prefersYaml(request.headers.get('accept'))) {
    // The definition alone: ready to edit and PUT back (under another id, for a built-in).
    return { status: 200, headers: { 'content-type': YAML_CONTENT_TYPE, 'vextir-agent-source': entry.source, ...etag }, body: toYaml(entry.definition, { lineWidth: 0 }) };
  }
  return json(200, view(entry), etag);
}

export async function putAgent({ request, params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const id = params['id'] ?? '';
  const { text, format } = await readDocument(request, MAX_AGENT_DOCUMENT_BYTES, 'the agent definition');
  const { value, pointer } = withId(readAgentDocument(text, format), id);
  const { entry, created } = await services.agents.put(identity.userId, value, { ...preconditions(request.headers), pointer });
  const { definition } = entry;
  await recordAdminChange(services, identity.userId, {
    action: 'agent.put',
    target: definition.id,
    reason: `${created ? 'created' : 'replaced'}: on ${definition.capabilities.join(', ')}; tools ${definition.tools.join(', ') || 'none'}${definition.enabled ? '' : '; disabled'}`.slice(0, 900),
    by: identity.userId,
  });
  return json(created ? 201 : 200, view(entry), { etag: quoteEtag(entry.etag ?? ''), location: `/api/agents/${encodeURIComponent(definition.id)}` });
}

export async function deleteAgent({ request, params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const id = params['id'] ?? '';
  const ifMatch = request.headers.get('if-match');
  const removed = await services.agents.delete(identity.userId, id, ifMatch === null ? {} : { ifMatch: unquoteEtag(ifMatch) });
  if (!removed) throw new KernelError('not_found', `you have no agent "${id}"`);
  await recordAdminChange(services, identity.userId, { action: 'agent.delete', target: id, reason: 'deleted', by: identity.userId });
  return { status: 204, headers: {} };
}

async function found(services: AuthenticatedContext['services'], userId: string, id: string): Promise<AgentEntry> {
  const entry = await services.agents.get(userId, id);
  if (entry === undefined) throw new KernelError('not_found', `there is no agent "${id}"`);
  return entry;
}

/** The URL names the agent: a document without an id takes it, one with another id is refused. */
function withId({ value, pointer }: { value: unknown; pointer: string }, id: string): { value: unknown; pointer: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KernelError('invalid_input', 'the agent definition must be an object (a YAML mapping)', { details: { errors: [{ pointer, reason: 'must be an object' }] } });
  }
  const given = (value as Record<string, unknown>)['id'];
  if (given === undefined) return { value: { id, ...value }, pointer };
  if (given === id) return { value, pointer };
  const reason = `must be the id in the URL ("${id}") or left out`;
  throw new KernelError('invalid_input', `the agent definition's id ${reason}`, { details: { errors: [{ pointer: `${pointer}/id`, reason }] } });
}

function view(entry: AgentEntry) {
  return {
    id: entry.definition.id,
    source: entry.source,
    ...(entry.etag !== undefined && { etag: entry.etag }),
    ...(entry.updatedAt !== undefined && { updatedAt: entry.updatedAt }),
    definition: entry.definition,
  };
}

/** If-Match (one ETag) or If-None-Match: * — not both. */
function preconditions(headers: AuthenticatedContext['request']['headers']): { ifMatch?: string; ifNoneMatch?: '*' } {
  const ifMatch = headers.get('if-match');
  const ifNoneMatch = headers.get('if-none-match');
  if (ifNoneMatch !== null && ifNoneMatch.trim() !== '*') {
    throw new KernelError('invalid_input', 'If-None-Match takes only "*" here (create only)', { details: { errors: [{ field: 'if-none-match', reason: 'must be "*"' }] } });
  }
  if (ifMatch !== null && ifNoneMatch !== null) {
    throw new KernelError('invalid_input', 'send either If-Match or If-None-Match, not both', { details: { errors: [{ field: 'if-none-match', reason: 'cannot be combined with If-Match' }] } });
  }
  if (ifMatch !== null) return { ifMatch: unquoteEtag(ifMatch) };
  return ifNoneMatch === null ? {} : { ifNoneMatch: '*' };
}
