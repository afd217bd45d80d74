/**
 * The sandbox pack drivers run in (src/packs/sandbox: a separate Node process under the permission
 * model, speaking to the host over a small protocol). Until this build has it, a pack with driver
 * modules cannot be installed or run, and says so; packs of agents, instructions, apps and
 * policies need no sandbox.
 */
import { KernelError } from '../kernel/index.js';
import type { StartPackSandbox } from '../packs/index.js';

export const startPackSandbox: StartPackSandbox = async (request) => {
  throw new KernelError('not_supported', `the pack ${request.pack} has driver modules, and this build has no sandbox to run them in`);
};
