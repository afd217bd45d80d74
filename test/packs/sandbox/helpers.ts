/** A sandboxed copy of a fixture pack (test/fixtures/packs/), its violations, and direct calls of its drivers. */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DriverContext, Envelope, UsageReport } from '../../../src/kernel/index.js';
import { packPermissionsSchema, type PackPermissions } from '../../../src/packs/manifest.js';
import { startPackSandbox, type PackSandbox, type PackSandboxOptions, type PackViolation } from '../../../src/packs/sandbox/index.js';
import { makeEvent, silentLogger } from '../../helpers/kernel-fixture.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/packs/', import.meta.url));

export interface SandboxedPack {
  sandbox: PackSandbox;
  root: string;
  violations: PackViolation[];
  /** Calls the pack's first driver as the kernel would; `usage` collects its reports. */
  call(data: Record<string, unknown>, overrides?: Partial<DriverContext> & { event?: Partial<Envelope> }): Promise<unknown>;
  usage: UsageReport[];
  stop(): Promise<void>;
}

export async function sandboxedPack(
  fixture: string,
  options: { permissions?: Record<string, unknown>; driverOptions?: Record<string, unknown>; files?: Record<string, string> } & Partial<Omit<PackSandboxOptions, 'permissions'>> = {},
): Promise<SandboxedPack> {
  // A copy in a temporary folder: what the pack may write stays out of the repository.
  const root = mkdtempSync(join(tmpdir(), `vextir-pack-${fixture}-`));
  cpSync(join(FIXTURES, fixture), root, { recursive: true });
  for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(join(root, name), text);
  const violations: PackViolation[] = [];
  const usage: UsageReport[] = [];
  const { permissions, driverOptions, files: _files, ...rest } = options;
  let sandbox: PackSandbox;
  try {
    sandbox = await startPackSandbox({
      pack: fixture,
      root,
      drivers: [{ module: './driver.mjs', options: driverOptions ?? {} }],
      permissions: packPermissionsSchema.parse(permissions ?? {}) satisfies PackPermissions,
      logger: silentLogger,
      onViolation: (violation) => violations.push(violation),
      ...rest,
    });
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  let sequence = 0;
  return {
    sandbox,
    root,
    violations,
    usage,
    call: (data, overrides = {}) => {
      const { event: eventOverrides, ...contextOverrides } = overrides;
      sequence += 1;
      const event = makeEvent({ id: `e${sequence}`, type: 'probe.run', data, ...eventOverrides });
      return sandbox.drivers[0]!.handle(event, driverContext({ reportUsage: (report) => usage.push(report), ...contextOverrides }));
    },
    stop: async () => {
      await sandbox.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export function driverContext(overrides: Partial<DriverContext> = {}): DriverContext {
  return {
    logger: silentLogger,
    clock: { now: () => new Date() },
    signal: new AbortController().signal,
    idempotencyKey: 'alice:e1:probe',
    attempt: 1,
    restrictions: {},
    reportUsage: () => undefined,
    ...overrides,
  };
}

/** The `data` of the single `probe.done` the driver answered with. */
export function answerOf(outputs: unknown): Record<string, unknown> {
  const list = outputs as Array<{ type: string; data: Record<string, unknown> }>;
  if (list.length !== 1 || list[0]!.type !== 'probe.done') throw new Error(`unexpected outputs ${JSON.stringify(outputs)}`);
  return list[0]!.data;
}

/** Polls until `predicate` holds (a restart, a report), failing after `ms`. */
export async function eventually(predicate: () => boolean, ms = 5000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
