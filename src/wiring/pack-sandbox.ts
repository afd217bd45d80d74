/**
 * The sandbox pack drivers run in (src/packs/sandbox: a separate Node process under the permission
 * model, speaking to the host over a small protocol), and where what it stopped is written: the
 * audit trail of the event's user (of the pack's installer when it happened outside an event).
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { AuditLog, Logger } from '../kernel/index.js';
import type { StartPackSandbox } from '../packs/index.js';
import { hostMappedFetch, startPackSandbox, violationAuditDraft, type PackViolation } from '../packs/sandbox/index.js';

/** Starts a pack's sandbox; its fetches of hosts the operator pinned (VEXTIR_PACK_HOST_MAP) go to the pins. */
export function sandboxStarter(config: Pick<Config, 'packs'>): StartPackSandbox {
  const fetch = config.packs.hostMap.size === 0 ? undefined : hostMappedFetch(config.packs.hostMap);
  return (request) => startPackSandbox({ ...request, ...(fetch !== undefined && { fetch }) });
}

/** Audits each violation; a failed write is logged (the violation was stopped either way). */
export function auditViolations(audit: AuditLog, logger: Logger, installerOf: (pack: string) => string | undefined): (violation: PackViolation) => void {
  return (violation) => {
    logger.warn({ pack: violation.pack, kind: violation.kind, target: violation.target, driver: violation.driver, eventId: violation.eventId }, 'a pack tried something beyond its grant; the sandbox stopped it');
    const draft = violationAuditDraft(violation, { id: randomUUID(), fallbackUserId: installerOf(violation.pack) ?? '_system' });
    audit.append([draft]).catch((error: unknown) => logger.error({ err: error, pack: violation.pack }, 'could not audit a pack violation'));
  };
}
