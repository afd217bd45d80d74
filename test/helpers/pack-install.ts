/**
 * Adding a skill pack over HTTP as a client does: the first POST answers 428 with the consent
 * (what the pack may do and its digest), the second sends the digest back as the grant.
 */
import assert from 'node:assert/strict';
import type { SystemClient } from './system-client.js';

export interface PackConsent {
  digest: string;
  summary: string[];
  permissions: unknown;
}

export async function addPackWithConsent(
  client: Pick<SystemClient, 'request'>,
  user: string,
  body: { source: string; global?: boolean },
  options: { admin?: boolean } = {},
): Promise<{ consent: PackConsent; added: Record<string, unknown> }> {
  const admin = options.admin ?? false;
  const asked = await client.request(user, 'POST', '/api/packs', { body, admin });
  const askedBody = (await asked.json()) as { consent?: PackConsent };
  assert.equal(asked.status, 428, JSON.stringify(askedBody));
  const consent = askedBody.consent!;
  const added = await client.request(user, 'POST', '/api/packs', { body: { ...body, grant: { digest: consent.digest } }, admin });
  const addedBody = (await added.json()) as Record<string, unknown>;
  assert.equal(added.status, 201, JSON.stringify(addedBody));
  return { consent, added: addedBody };
}

export interface AuditEntry {
  kind: string;
  action?: string;
  target?: string;
  reason?: string;
  eventId?: string;
  eventType?: string;
  decision?: { allowed: boolean; reason: string; decidedBy?: string; policies?: string[] };
}

export async function auditOf(client: Pick<SystemClient, 'request'>, user: string): Promise<AuditEntry[]> {
  const response = await client.request(user, 'GET', '/api/audit?limit=1000');
  assert.equal(response.status, 200);
  return ((await response.json()) as { entries: AuditEntry[] }).entries;
}
