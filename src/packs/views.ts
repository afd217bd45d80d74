/**
 * A pack as a caller sees it (GET /api/packs): what is installed, and where the caller stands:
 * `granted` (it runs for them: their grant, or the global one, covers what the installed version
 * asks for), `needs_consent` (a grant exists but the installed version asks for more: it does not
 * run for them until they consent again) or `none`.
 */
import { consentRequest, type ConsentRequest } from './consent.js';
import { covers, permissionsDigest } from './permissions.js';
import type { InstallRecord, LockEntry, PackGrant } from './store.js';

export type GrantState = 'granted' | 'needs_consent' | 'none';

export interface PackView {
  name: string;
  version: string;
  description: string;
  author: string;
  homepage?: string;
  source: string;
  resolved: string;
  integrity: string;
  installedBy: string;
  installedAt: string;
  updatedAt: string;
  drivers: Array<{ id: string; capabilities: string[] }>;
  contents: { agents: number; instructions: number; apps: number; policies: number; mcp_servers: number };
  permissions: LockEntry['manifest']['permissions'];
  digest: string;
  /** Which grant makes it run for the caller: theirs first, then the global one. */
  grant: { state: GrantState; scope?: 'user' | 'global'; version?: string; grantedAt?: string; grantedBy?: string };
  /** With `needs_consent`: what to consent to, and what changed since the grant. */
  consent?: ConsentRequest;
  /** What the pack put in the caller's space, and from which version. */
  yours?: { version: string; items: InstallRecord['items'] };
  /** Whether the pack is installed for everyone (a global grant). */
  global: boolean;
}

export function sourceText(entry: LockEntry): string {
  return entry.source.kind === 'npm' ? entry.source.spec : entry.source.path;
}

/** The grant that is in force for a manifest, the user's before the global one. */
export function grantInForce(entry: LockEntry, own: PackGrant | undefined, global: PackGrant | undefined): PackGrant | undefined {
  const permissions = entry.manifest.permissions;
  if (own !== undefined && covers(own.permissions, permissions)) return own;
  if (global !== undefined && covers(global.permissions, permissions)) return global;
  return undefined;
}

export function packView(entry: LockEntry, grants: { own?: PackGrant | undefined; global?: PackGrant | undefined }, install: InstallRecord | undefined): PackView {
  const { manifest } = entry;
  const inForce = grantInForce(entry, grants.own, grants.global);
  const stale = inForce === undefined ? (grants.own ?? grants.global) : undefined;
  const grant: PackView['grant'] =
    inForce !== undefined
      ? { state: 'granted', scope: inForce.scope, version: inForce.version, grantedAt: inForce.grantedAt, grantedBy: inForce.grantedBy }
      : stale !== undefined
        ? { state: 'needs_consent', scope: stale.scope, version: stale.version, grantedAt: stale.grantedAt, grantedBy: stale.grantedBy }
        : { state: 'none' };
  return {
    name: entry.name,
    version: entry.version,
    description: manifest.description,
    author: manifest.author,
    ...(manifest.homepage !== undefined && { homepage: manifest.homepage }),
    source: sourceText(entry),
    resolved: entry.resolved,
    integrity: entry.integrity,
    installedBy: entry.installedBy,
    installedAt: entry.installedAt,
    updatedAt: entry.updatedAt,
    drivers: entry.drivers.map(({ id, capabilities }) => ({ id, capabilities })),
    contents: {
      agents: manifest.contents.agents.length,
      instructions: manifest.contents.instructions.length,
      apps: manifest.contents.apps.length,
      policies: manifest.contents.policies.length,
      mcp_servers: manifest.contents.mcp_servers.length,
    },
    permissions: manifest.permissions,
    digest: permissionsDigest(manifest.permissions),
    grant,
    ...(stale !== undefined && {
      consent: consentRequest({ pack: entry.name, version: entry.version, description: manifest.description, scope: stale.scope, permissions: manifest.permissions, granted: stale.permissions }),
    }),
    ...(install !== undefined && { yours: { version: install.version, items: install.items } }),
    global: grants.global !== undefined,
  };
}
