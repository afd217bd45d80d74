/**
 * Cutting a pack's direct sockets at the operating system: on Linux the process starts in a
 * network namespace of its own (`unshare --net`: only a loopback interface, down), so a TCP or
 * UDP socket has nowhere to go while the protocol's pipe, inherited, still works. As root it
 * needs nothing more; otherwise `unshare --map-root-user --net` works where the kernel lets
 * unprivileged users make user namespaces. Probed once per host process.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

/** `auto`: use a namespace where one can be made, warn where not; `required`: refuse to start without; `off`. */
export type NetworkIsolation = 'auto' | 'required' | 'off';

export type NamespaceProbe = { available: true; prefix: readonly string[] } | { available: false; reason: string };

// Standard locations rather than PATH: the host's environment must not choose the program.
const UNSHARE_LOCATIONS = ['/usr/bin/unshare', '/bin/unshare', '/usr/sbin/unshare', '/sbin/unshare'];

let probed: Promise<NamespaceProbe> | undefined;

export function probeNetworkNamespace(): Promise<NamespaceProbe> {
  return (probed ??= probe());
}

async function probe(): Promise<NamespaceProbe> {
  if (process.platform !== 'linux') return { available: false, reason: `${process.platform} has no network namespaces` };
  const unshare = UNSHARE_LOCATIONS.find((path) => existsSync(path));
  if (!unshare) return { available: false, reason: 'unshare (util-linux) is not installed' };
  const failures: string[] = [];
  for (const options of [['--net'], ['--map-root-user', '--net']]) {
    const prefix = [unshare, ...options, '--'];
    const failure = await runs([...prefix, process.execPath, '--version']);
    if (failure === undefined) return { available: true, prefix };
    failures.push(`${options.join(' ')}: ${failure}`);
  }
  return { available: false, reason: `unshare could not make a network namespace (${failures.join('; ')})` };
}

function runs(command: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command[0]!, command.slice(1), { timeout: 5000, env: {} }, (error, _stdout, stderr) => {
      resolve(error ? (stderr.trim() || error.message).split('\n')[0] : undefined);
    });
  });
}
