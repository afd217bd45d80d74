/**
 * `startPackSandbox`: a pack's driver modules loaded in a Node process of their own, under the
 * permission model, and the host-side drivers that forward events to them. The kernel registers
 * these drivers like any other; only their `handle` crosses a process boundary.
 */
import { realpath } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KernelError, type Driver, type DriverManifest } from '../../kernel/index.js';
import { guardedFetch } from './guarded-fetch.js';
import { probeNetworkNamespace } from './net-isolation.js';
import { NODE_CUTS_NETWORK, nodeArgs } from './node-flags.js';
import { resolveLimits, type PackSandboxOptions } from './options.js';
import { PROTOCOL_VERSION } from './protocol.js';
import { SandboxProcess } from './sandbox-process.js';
import { PackSupervisor, type SupervisorStats } from './supervisor.js';

const ENTRY = fileURLToPath(new URL('./child/entry.mjs', import.meta.url));

/** What cuts the pack's direct sockets, besides the child's own refusal of them (docs/pack-sandbox.md). */
export type NetworkEnforcement = 'namespace' | 'node-permission' | 'in-process-only';

export interface PackSandboxStats extends SupervisorStats {
  pack: string;
  network: NetworkEnforcement;
}

export interface PackSandbox {
  /** One proxy per driver module, in the manifest's order, carrying the manifest the child reported. */
  readonly drivers: readonly Driver[];
  stats(): PackSandboxStats;
  /** Asks the drivers to shut down, then ends the process (killed after the grace period). */
  stop(): Promise<void>;
}

export async function startPackSandbox(options: PackSandboxOptions): Promise<PackSandbox> {
  if (options.drivers.length === 0) throw new KernelError('invalid_input', `pack ${options.pack} has no driver modules to run`);
  const limits = resolveLimits(options);
  let root: string;
  try {
    root = await realpath(options.root);
  } catch (error) {
    throw new KernelError('invalid_input', `pack ${options.pack}: its folder ${options.root} cannot be read`, { cause: error });
  }
  const { prefix, network } = await networkPrefix(options);
  const spawnProcess = (events: ConstructorParameters<typeof SandboxProcess>[1], heapMb: number | undefined): SandboxProcess => {
    const args = nodeArgs({ root, entryDir: dirname(ENTRY), entry: ENTRY, runtime: options.permissions.runtime, heapMb });
    const command = [...prefix, process.execPath, ...args];
    return new SandboxProcess(
      {
        command: command[0]!,
        args: command.slice(1),
        cwd: root,
        init: { t: 'init', v: PROTOCOL_VERSION, pack: options.pack, root, drivers: options.drivers.map(({ module, options: driverOptions }) => ({ module, ...(driverOptions && { options: driverOptions }) })) },
        maxMessageChars: limits.maxMessageChars,
        heartbeatIntervalMs: limits.heartbeatIntervalMs,
        heartbeatTimeoutMs: limits.heartbeatTimeoutMs,
        startTimeoutMs: limits.startTimeoutMs,
        logger: options.logger.child({ pack: options.pack }),
      },
      events,
    );
  };
  const supervisor = new PackSupervisor(options, limits, spawnProcess, options.fetch ?? guardedFetch);
  const manifests = await supervisor.start();
  return {
    drivers: manifests.map((manifest, index) => proxyDriver(supervisor, index, manifest)),
    stats: () => ({ pack: options.pack, network, ...supervisor.stats() }),
    stop: () => supervisor.stop(),
  };
}

function proxyDriver(supervisor: PackSupervisor, index: number, manifest: DriverManifest): Driver {
  return Object.freeze({
    manifest: Object.freeze(manifest),
    handle: async (event, context) => (await supervisor.run(index, manifest, event, context)) as Awaited<ReturnType<Driver['handle']>>,
  } satisfies Driver);
}

async function networkPrefix(options: PackSandboxOptions): Promise<{ prefix: readonly string[]; network: NetworkEnforcement }> {
  const isolation = options.networkIsolation ?? 'auto';
  const fallback: NetworkEnforcement = NODE_CUTS_NETWORK ? 'node-permission' : 'in-process-only';
  if (isolation === 'off') return { prefix: [], network: fallback };
  const probe = await probeNetworkNamespace();
  if (probe.available) return { prefix: probe.prefix, network: 'namespace' };
  if (isolation === 'required') throw new KernelError('not_supported', `pack ${options.pack} needs a network namespace and none can be made here: ${probe.reason}`);
  if (fallback === 'in-process-only') {
    options.logger.warn({ pack: options.pack, reason: probe.reason }, `pack ${options.pack}: direct sockets are refused only inside its process (no network namespace: ${probe.reason})`);
  }
  return { prefix: [], network: fallback };
}
