/** What `startPackSandbox` takes, and its defaults (docs/pack-sandbox.md, "Limits"). */
import type { Clock, Logger } from '../../kernel/index.js';
import type { PackPermissions } from '../manifest.js';
import type { FetchLimits, SandboxFetch } from './host-fetch.js';
import type { NetworkIsolation } from './net-isolation.js';
import type { PackViolation } from './violations.js';

export interface PackSandboxOptions {
  /** The pack's name (manifest `name`): in logs, violations and errors. */
  pack: string;
  /** The pack's folder; its driver modules are resolved against it, and it is readable. */
  root: string;
  /** The manifest's `contents.drivers`. */
  drivers: ReadonlyArray<{ module: string; options?: Record<string, unknown> | undefined }>;
  /** The manifest's permissions: `runtime` and `network` shape the process. */
  permissions: PackPermissions;
  logger: Logger;
  /** Every attempt beyond the grant; the wiring writes it to the audit trail (violationAuditDraft). */
  onViolation?: (violation: PackViolation) => void;
  /** Performs the requests the pack's code asks for; the default refuses internal addresses (guarded-fetch.ts). */
  fetch?: SandboxFetch;
  fetchLimits?: Partial<FetchLimits>;
  /** `auto` (default): a network namespace where the system can make one, a warning where not. */
  networkIsolation?: NetworkIsolation;
  /**
   * The process's V8 heap limit, e.g. `256MB`. Without it, the largest `resources.memory` the
   * pack's drivers declare applies from their first restart on (it is known only once they load).
   */
  memory?: string;
  restart?: { baseMs?: number; maxMs?: number; healthyAfterMs?: number };
  heartbeat?: { intervalMs?: number; timeoutMs?: number };
  /** How long a cancelled call may take to end in the child before the process is killed. */
  cancelGraceMs?: number;
  startTimeoutMs?: number;
  stopGraceMs?: number;
  /** The longest line the child may write on the protocol pipe (characters). */
  maxMessageChars?: number;
  clock?: Clock;
}

export interface ResolvedLimits {
  restartBaseMs: number;
  restartMaxMs: number;
  healthyAfterMs: number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  cancelGraceMs: number;
  startTimeoutMs: number;
  stopGraceMs: number;
  maxMessageChars: number;
}

export function resolveLimits(options: PackSandboxOptions): ResolvedLimits {
  return {
    restartBaseMs: options.restart?.baseMs ?? 200,
    restartMaxMs: options.restart?.maxMs ?? 30_000,
    healthyAfterMs: options.restart?.healthyAfterMs ?? 60_000,
    heartbeatIntervalMs: options.heartbeat?.intervalMs ?? 2_000,
    heartbeatTimeoutMs: options.heartbeat?.timeoutMs ?? 10_000,
    cancelGraceMs: options.cancelGraceMs ?? 1_000,
    startTimeoutMs: options.startTimeoutMs ?? 15_000,
    stopGraceMs: options.stopGraceMs ?? 3_000,
    maxMessageChars: options.maxMessageChars ?? 16 * 1024 * 1024,
  };
}
