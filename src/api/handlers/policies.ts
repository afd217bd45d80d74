/**
 * GET|PUT /api/policies and POST /api/policies/test. Policies are data: a whole set (global, or
 * the caller's own) is read and replaced as one YAML or JSON document, guarded by its ETag.
 * Changing the global set needs the admin role; every change is audited.
 */
import { stringify as toYaml } from 'yaml';
import { z } from 'zod';
import { parsePolicyDocument, validatePolicies, type Policy, type PolicyScope } from '../../security/index.js';
import { recordAdminChange } from '../audit-trail.js';
import { requireAdmin } from '../auth.js';
import { prefersYaml, readDocument, YAML_CONTENT_TYPE } from '../documents.js';
import { readJsonBody } from '../json-body.js';
import { parseQuery } from '../query.js';
import { json } from '../responses.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext } from './context.js';
import { quoteEtag as quote, unquoteEtag as unquote } from './context-shared.js';

const MAX_POLICY_DOCUMENT_BYTES = 256 * 1024;
const scopeQuerySchema = z.strictObject({ scope: z.enum(['global', 'user']).optional() });

export async function getPolicies({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const { scope } = parseQuery(request.url, scopeQuerySchema);
  const read = async (kind: 'global' | 'user') => {
    const stored = await services.security.policies.read(scopeOf(kind, identity.userId));
    // Everyone may see the global rules that apply to them; only an admin sees the whole set.
    const policies = kind === 'global' && !identity.admin ? stored.policies.filter((p) => appliesTo(p, identity.userId)).map((p) => ({ ...p, applies_to: p.applies_to.filter((u) => u === '*' || u === identity.userId) })) : stored.policies;
    return { policies, etag: stored.etag ?? null };
  };
  if (scope === undefined) return json(200, { global: await read('global'), user: await read('user') });
  const set = await read(scope);
  const etag = set.etag === null ? {} : { etag: quote(set.etag) };
  if (prefersYaml(request.headers.get('accept'))) {
    return { status: 200, headers: { 'content-type': YAML_CONTENT_TYPE, ...etag }, body: toYaml({ policies: set.policies }) };
  }
  return json(200, set, etag);
}

export async function putPolicies({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const { scope = 'user' } = parseQuery(request.url, scopeQuerySchema);
  if (scope === 'global') requireAdmin(identity);
  const policies = await readPolicyDocument(request);
  const ifMatch = request.headers.get('if-match');
  const stored = await services.security.policies.replace(scopeOf(scope, identity.userId), policies, ifMatch === null ? undefined : unquote(ifMatch));
  const ids = stored.policies.map((policy) => policy.id).join(', ') || 'none';
  await recordAdminChange(services, identity.userId, { action: 'policies.put', target: scope, reason: `${stored.policies.length} policies: ${ids}`.slice(0, 900), by: identity.userId });
  return json(200, { policies: stored.policies, etag: stored.etag }, stored.etag === undefined ? {} : { etag: quote(stored.etag) });
}

const usageSchema = z.strictObject({
  events_per_minute: z.number().int().nonnegative().default(0),
  events_per_hour: z.number().int().nonnegative().default(0),
  events_per_day: z.number().int().nonnegative().default(0),
  tokens_today: z.number().int().nonnegative().default(0),
  tokens_month: z.number().int().nonnegative().default(0),
  cost_today: z.number().nonnegative().default(0),
  cost_month: z.number().nonnegative().default(0),
});
const testBodySchema = z.strictObject({
  event: z.strictObject({
    type: z.string().min(1).max(256),
    data: z.unknown().optional(),
    category: z.enum(['input', 'internal', 'output']).default('input'),
    source: z.string().min(1).max(1024).default('/api/policies/test'),
    subject: z.string().max(1024).optional(),
    depth: z.number().int().min(0).max(1000).default(0),
  }),
  /** Usage figures to assume instead of the caller's real counters. */
  usage: usageSchema.optional(),
  /** A draft of the caller's own policies (a document as text, or an array) to test instead of the stored set. */
  policies: z.union([z.string().max(MAX_POLICY_DOCUMENT_BYTES), z.array(z.unknown())]).optional(),
});

export async function testPolicies({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const body = await readJsonBody(request, MAX_POLICY_DOCUMENT_BYTES, testBodySchema, 'the policy test');
  const userId = identity.userId;
  let draft;
  if (body.policies !== undefined) {
    const own = typeof body.policies === 'string' ? parsePolicyDocument(body.policies, looksLikeJson(body.policies) ? 'json' : 'yaml') : validatePolicies(body.policies, '/policies');
    const global = await services.security.policies.read({ kind: 'global' });
    draft = services.security.policies.compile([
      ...global.policies.map((policy) => ({ scope: 'global' as const, policy })),
      ...own.map((policy) => ({ scope: 'user' as const, owner: userId, policy })),
    ]);
  }
  const { event: e } = body;
  const event = {
    specversion: '1.0' as const,
    id: 'dry-run',
    type: e.type,
    source: e.source,
    time: services.clock.now().toISOString(),
    userid: userId,
    category: e.category,
    correlationid: 'dry-run',
    depth: e.depth,
    ...(e.data !== undefined && { data: e.data }),
    ...(e.subject !== undefined && { subject: e.subject }),
  };
  const explanation = await services.security.authorizer.explain(event, { ...(body.usage && { usage: body.usage }), ...(draft && { policies: draft }) });
  return json(200, { ...explanation, dryRun: true });
}

async function readPolicyDocument(request: AuthenticatedContext['request']): Promise<Policy[]> {
  const { text, format } = await readDocument(request, MAX_POLICY_DOCUMENT_BYTES, 'the policy document');
  return parsePolicyDocument(text, format);
}


function scopeOf(kind: 'global' | 'user', userId: string): PolicyScope {
  return kind === 'global' ? { kind: 'global' } : { kind: 'user', userId };
}

function appliesTo(policy: Policy, userId: string): boolean {
  return policy.applies_to.includes('*') || policy.applies_to.includes(userId);
}

function looksLikeJson(text: string): boolean {
  return /^\s*[[{]/.test(text);
}

