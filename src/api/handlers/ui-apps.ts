/**
 * /api/ui-apps: a user's UI applications (src/ui), as YAML or JSON documents validated on submit
 * (400 naming the component: `/components/2/type`), and GET /apps/... : the static pages that
 * render them. The pages are public (no user data in them); the data they show is fetched with
 * the reader's token from the endpoints here and the rest of the API. The built-in operator's
 * dashboard (`system`) is read like a user's application and cannot be replaced or deleted.
 */
import { stringify as toYaml } from 'yaml';
import { z } from 'zod';
import { KernelError } from '../../kernel/index.js';
import { allComponents, appAsset, appShell, readUiApplicationDocument, renderMarkdown, type UiAppEntry } from '../../ui/index.js';
import { recordAdminChange } from '../audit-trail.js';
import { prefersYaml, readDocument, YAML_CONTENT_TYPE } from '../documents.js';
import { parseQuery } from '../query.js';
import { json } from '../responses.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext, PublicContext } from './context.js';

const MAX_APP_BYTES = 256 * 1024;
const listQuery = z.strictObject({ path: z.string().max(600).optional() });

export async function putUiApp({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const { text, format } = await readDocument(request, MAX_APP_BYTES, 'the UI application');
  const { entry, created } = await services.uiApps.put(identity.userId, readUiApplicationDocument(text, format));
  const { app } = entry;
  await recordAdminChange(services, identity.userId, { action: 'ui_app.put', target: app.id, reason: `${created ? 'created' : 'replaced'}: ${app.path}, ${allComponents(app).length} components`, by: identity.userId });
  return json(created ? 201 : 200, summary(entry), { location: `/api/ui-apps/${encodeURIComponent(app.id)}`, etag: `"${entry.etag}"` });
}

export async function listUiApps({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const { path } = parseQuery(request.url, listQuery);
  if (path !== undefined) {
    const entry = await services.uiApps.byPath(identity.userId, path);
    return json(200, { apps: entry === undefined ? [] : [summary(entry)] });
  }
  return json(200, { apps: (await services.uiApps.list(identity.userId)).map(summary) });
}

/** The application, and its markdown components rendered (raw HTML escaped) for the page. */
export async function getUiApp({ request, params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const id = params['id'] ?? '';
  const entry = await services.uiApps.get(identity.userId, id);
  if (entry === undefined) throw new KernelError('not_found', `you have no UI application "${id}"`);
  const etag = { etag: `"${entry.etag}"` };
  // A built-in is served as shipped, its comments saying how to copy it.
  if (prefersYaml(request.headers.get('accept'))) return { status: 200, headers: { 'content-type': YAML_CONTENT_TYPE, ...etag }, body: entry.builtIn?.document ?? toYaml(entry.app, { lineWidth: 0 }) };
  const markdown = Object.fromEntries(allComponents(entry.app).flatMap((c) => (c.type === 'markdown' ? [[c.id, renderMarkdown(c.content)]] : [])));
  return json(200, { ...summary(entry), app: entry.app, markdown }, etag);
}

export async function deleteUiApp({ params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const id = params['id'] ?? '';
  if (!(await services.uiApps.delete(identity.userId, id))) throw new KernelError('not_found', `you have no UI application "${id}"`);
  await recordAdminChange(services, identity.userId, { action: 'ui_app.delete', target: id, reason: 'deleted', by: identity.userId });
  return { status: 204, headers: {} };
}

/** GET /apps, /apps/_signin, /apps/{path}: the same static shell. */
export async function getAppPage(_context: PublicContext): Promise<ApiResponse> {
  return appShell();
}

export async function getAppAsset({ params }: PublicContext): Promise<ApiResponse> {
  const asset = appAsset(params['name'] ?? '');
  if (asset === undefined) throw new KernelError('not_found', `there is no asset "${params['name'] ?? ''}"`);
  return asset;
}

function summary({ app, etag, updatedAt, builtIn }: UiAppEntry) {
  return { id: app.id, name: app.name, path: app.path, components: allComponents(app).length, ...(app.pages !== undefined && { pages: app.pages.length }), etag, ...(updatedAt !== undefined && { updatedAt }), ...(builtIn !== undefined && { builtIn: true }) };
}
