/**
 * What of an event's data may be handed to an MCP client. A client passes what it reads on to
 * its own model provider, outside Vextir's control: it is an external recipient, so what
 * policies restrict for external drivers applies to it as well. An event whose decision says
 * `external: false` (the default /Personal rule) is withheld; one whose decision says
 * `redactPii` (the default personal-data rule) is handed over redacted, as external drivers get it.
 */
import type { EventRecord } from '../../kernel/index.js';
import { redactPii } from '../../security/index.js';

export type Release = { ok: true; data: unknown } | { ok: false; reason: string };

export function releaseToClient(record: Pick<EventRecord, 'type' | 'decision' | 'event'>): Release {
  const restrictions = record.decision?.restrictions;
  const data = record.event.data;
  if (restrictions?.external === false) return { ok: false, reason: `${restrictingPolicies(record)} keeps ${record.type} from external services (restrict: external false), and an MCP client is one` };
  if (restrictions?.redactPii !== true || data === undefined) return { ok: true, data };
  try {
    return { ok: true, data: redactPii(data).value };
  } catch (error) {
    // Data the scanner cannot read completely is never handed over unscanned (fail closed).
    return { ok: false, reason: `${record.type} must be redacted for external services and could not be: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function restrictingPolicies(record: Pick<EventRecord, 'decision'>): string {
  const ids = (record.decision?.matched ?? []).filter((match) => match.action === 'restrict').map((match) => `"${match.id}"`);
  return ids.length === 0 ? 'a policy' : `policy ${ids.join(', ')}`;
}
