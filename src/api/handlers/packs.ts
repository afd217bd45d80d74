/**
 * /api/packs: skill packs (src/packs).
 *
 * - `GET /api/packs`: the installed packs with the caller's grant state; `GET /api/packs/{name}`: one.
 * - `GET /api/packs/search?q=`: the registry's packs (keyword `vextir-pack`).
 * - `POST /api/packs` `{source, version?, grant?, global?}`: add a pack. Without a grant that
 *   consents to exactly the permissions of the version fetched, nothing is installed and the
 *   answer is **428 Precondition Required** (problem+json, type `urn:vextir:problem:consent_required`)
 *   carrying `consent`: the permissions, their digest and the same in plain words. Send the request
 *   again with `grant: {digest}` (or `grant: {permissions}`) to install: 201 (200 when it was
 *   installed already and the caller only consented).
 * - `POST /api/packs/{name}/update` `{version?, grant?, global?}`: the same for a new version; a
 *   428 then also carries `consent.difference` (what the new version adds and drops).
 * - `DELETE /api/packs/{name}` (`?global=true` for admins): 200 with what was removed.
 *
 * Every change is audited in the caller's chain.
 */
import { z } from 'zod';
import { grantRequestSchema, type PackOutcome } from '../../packs/index.js';
import { recordAdminChange } from '../audit-trail.js';
import { readJsonBody } from '../json-body.js';
import { problemJson, problemType } from '../problem.js';
import { parseQuery } from '../query.js';
import { json } from '../responses.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext } from './context.js';

const MAX_BODY_BYTES = 64 * 1024;
const addSchema = z.strictObject({
  source: z.string().min(1).max(1024),
  version: z.string().min(1).max(100).optional(),
  grant: grantRequestSchema.optional(),
  global: z.boolean().optional(),
});
const updateSchema = z.strictObject({ version: z.string().min(1).max(100).optional(), grant: grantRequestSchema.optional(), global: z.boolean().optional() });
const searchQuery = z.strictObject({ q: z.string().max(200).default('') });
const deleteQuery = z.strictObject({ global: z.enum(['true', 'false']).default('false') });

const caller = ({ identity }: AuthenticatedContext) => ({ userId: identity.userId, admin: identity.admin });

export async function listPacks(context: AuthenticatedContext): Promise<ApiResponse> {
  return json(200, { packs: await context.services.packs.service.list(caller(context)) });
}

export async function getPack(context: AuthenticatedContext): Promise<ApiResponse> {
  return json(200, await context.services.packs.service.show(caller(context), context.params['name'] ?? ''));
}

export async function searchPackRegistry(context: AuthenticatedContext): Promise<ApiResponse> {
  const { q } = parseQuery(context.request.url, searchQuery);
  return json(200, { results: await context.services.packs.search(q) });
}

export async function addPack(context: AuthenticatedContext): Promise<ApiResponse> {
  const body = await readJsonBody(context.request, MAX_BODY_BYTES, addSchema, 'the pack request');
  const outcome = await context.services.packs.service.add(caller(context), body);
  return answer(context, outcome, 'pack.add', body.global === true);
}

export async function updatePack(context: AuthenticatedContext): Promise<ApiResponse> {
  const body = await readJsonBody(context.request, MAX_BODY_BYTES, updateSchema, 'the update request');
  const outcome = await context.services.packs.service.update(caller(context), context.params['name'] ?? '', body);
  return answer(context, outcome, 'pack.update', body.global === true);
}

export async function deletePack(context: AuthenticatedContext): Promise<ApiResponse> {
  const name = context.params['name'] ?? '';
  const global = parseQuery(context.request.url, deleteQuery).global === 'true';
  const { removed, uninstalled } = await context.services.packs.service.remove(caller(context), name, { global });
  const { userId } = context.identity;
  await recordAdminChange(context.services, userId, { action: 'pack.remove', target: name, reason: uninstalled ? 'uninstalled for everyone' : 'grant withdrawn, its contents removed (your data kept)', by: userId });
  return json(200, { name, uninstalled, removed: removed ?? { agents: [], instructions: [], apps: [], policies: [] } });
}

async function answer(context: AuthenticatedContext, outcome: PackOutcome, action: string, global: boolean): Promise<ApiResponse> {
  if (outcome.kind === 'consent_required') {
    const { consent } = outcome;
    const detail = `${consent.pack} ${consent.version} needs your consent to its permissions${consent.difference === undefined ? '' : ' (the new version asks for more than you granted)'}; send the request again with "grant": {"digest": "${consent.digest}"}`;
    return problemJson({ type: problemType('consent_required'), title: 'Consent required', status: 428, detail, consent } as Parameters<typeof problemJson>[0]);
  }
  const { pack, created } = outcome;
  const { userId } = context.identity;
  await recordAdminChange(context.services, userId, { action, target: pack.name, reason: `${pack.version} from ${pack.source} (${pack.integrity}); granted ${global ? 'for everyone' : 'for you'}: ${pack.digest}`, by: userId });
  return json(created ? 201 : 200, pack, { location: `/api/packs/${encodeURIComponent(pack.name)}` });
}
