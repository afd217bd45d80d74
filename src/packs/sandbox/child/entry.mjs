// @ts-check
// The first module of a pack's sandboxed process (docs/pack-sandbox.md). It opens the protocol
// on fd 3, waits for `init`, installs the guards and the host-performed fetch, loads the pack's
// driver modules (a module default-exports a driver `{ manifest, handle }` or a factory
// `(options) => driver`, as for drivers named in the project file) and answers `handle` calls.
// Everything it says is checked by the host, which trusts none of it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openChannel } from './channel.mjs';
import { installFetch } from './fetch.mjs';
import { installGuards, refusedAttempt } from './guards.mjs';

const PROTOCOL_VERSION = 1;
const CHANNEL_FD = 3;

/** The call (handle message id) the running code belongs to. */
const calls = new AsyncLocalStorage();
/** @type {Map<number, AbortController>} */
const running = new Map();
/** @type {Array<{ manifest: unknown, handle: Function, init?: Function, shutdown?: Function }>} */
let drivers = [];
/** @type {(message: Record<string, any>) => void} */
let onFetchResult = () => undefined;

// The host is gone: nothing more to do.
const channel = openChannel(CHANNEL_FD, (message) => void dispatch(message), () => process.exit(0));

/** @param {Record<string, any>} message */
async function dispatch(message) {
  switch (message.t) {
    case 'init':
      return start(message);
    case 'handle':
      return handle(message);
    case 'cancel':
      return running.get(message.id)?.abort(new Error(`cancelled by the host: ${message.reason}`));
    case 'fetch.result':
      return onFetchResult(message);
    case 'ping':
      return channel.send({ t: 'pong', n: message.n });
    case 'shutdown':
      return shutdown();
  }
}

/** @param {Record<string, any>} init */
async function start(init) {
  if (init.v !== PROTOCOL_VERSION) {
    channel.send({ t: 'failed', message: `protocol version ${String(init.v)} is not ${PROTOCOL_VERSION}` });
    return;
  }
  installGuards((attempt) => {
    const call = calls.getStore();
    channel.send({ t: 'violation', ...(call === undefined ? {} : { call }), kind: attempt.kind, target: attempt.target, message: attempt.message });
  });
  onFetchResult = installFetch(channel, () => calls.getStore());
  try {
    drivers = [];
    for (const entry of init.drivers) drivers.push(await load(entry, init.root));
    for (const driver of drivers) await driver.init?.();
    channel.send({ t: 'ready', v: PROTOCOL_VERSION, manifests: drivers.map((driver) => driver.manifest) });
  } catch (error) {
    reportRefusal(error, undefined);
    channel.send({ t: 'failed', message: messageOf(error) });
  }
}

/** @param {{ module: string, options?: Record<string, unknown> }} entry @param {string} root */
async function load(entry, root) {
  const specifier = entry.module.startsWith('.') || isAbsolute(entry.module) ? pathToFileURL(resolve(root, entry.module)).href : entry.module;
  let loaded;
  try {
    loaded = await import(specifier);
  } catch (error) {
    throw new Error(`driver module "${entry.module}" could not be loaded: ${messageOf(error)}`, { cause: error });
  }
  const exported = loaded.default;
  const candidate = typeof exported === 'function' ? await exported(entry.options ?? {}) : exported;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.handle !== 'function' || typeof candidate.manifest !== 'object') {
    throw new Error(`driver module "${entry.module}" must default-export a driver ({ manifest, handle }) or a function returning one`);
  }
  return candidate;
}

/** @param {Record<string, any>} message */
async function handle(message) {
  const { id } = message;
  const driver = drivers[message.driver];
  if (!driver) {
    channel.send({ t: 'error', id, error: { name: 'Error', message: `no driver at index ${String(message.driver)}` } });
    return;
  }
  const controller = new AbortController();
  running.set(id, controller);
  const context = {
    logger: callLogger(id, {}),
    clock: { now: () => new Date() },
    signal: controller.signal,
    idempotencyKey: message.idempotencyKey,
    attempt: message.attempt,
    restrictions: message.restrictions,
    reportUsage: (/** @type {unknown} */ usage) => channel.send({ t: 'usage', id, usage }),
  };
  try {
    const outputs = await calls.run(id, () => driver.handle(message.event, context));
    sendResult(id, outputs ?? null);
  } catch (error) {
    reportRefusal(error, id);
    channel.send({ t: 'error', id, error: describeError(error) });
  } finally {
    running.delete(id);
  }
}

/** @param {number} id @param {unknown} outputs */
function sendResult(id, outputs) {
  try {
    channel.send({ t: 'result', id, outputs });
  } catch (error) {
    // Not serialisable as JSON (a BigInt, a cycle): the driver's mistake, reported as its failure.
    channel.send({ t: 'error', id, error: { name: 'Error', message: `the driver's outputs cannot be sent as JSON: ${messageOf(error)}` } });
  }
}

/** A refusal that reached the driver's caller (an import outside the grant, say) is reported too. */
function reportRefusal(/** @type {unknown} */ error, /** @type {number | undefined} */ call) {
  for (let cause = error, depth = 0; cause !== undefined && depth < 5; cause = /** @type {{ cause?: unknown }} */ (cause)?.cause, depth += 1) {
    const attempt = refusedAttempt(cause);
    if (attempt) {
      channel.send({ t: 'violation', ...(call === undefined ? {} : { call }), kind: attempt.kind, target: attempt.target, message: attempt.message });
      return;
    }
  }
}

/** @param {unknown} error */
function describeError(error) {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { code, retryable } = /** @type {{ code?: unknown, retryable?: unknown }} */ (error);
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof retryable === 'boolean' ? { retryable } : {}),
  };
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/** The logger port's shape: `(fields, message)` or `(message)`, and `child(bindings)`. */
/**
 * @typedef {(first: unknown, second?: unknown) => void} LogFn
 * @typedef {{ debug: LogFn, info: LogFn, warn: LogFn, error: LogFn, child: (more: Record<string, unknown>) => CallLogger }} CallLogger
 */

/** @returns {CallLogger} */
function callLogger(/** @type {number} */ id, /** @type {Record<string, unknown>} */ bindings) {
  const log = (/** @type {string} */ level) => (/** @type {unknown} */ first, /** @type {unknown} */ second) => {
    const message = typeof first === 'string' ? first : String(second ?? '');
    const fields = typeof first === 'object' && first !== null ? { ...bindings, ...first } : bindings;
    try {
      channel.send({ t: 'log', id, level, message, fields });
    } catch {
      channel.send({ t: 'log', id, level, message, fields: bindings });
    }
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (more) => callLogger(id, { ...bindings, ...more }),
  };
}

async function shutdown() {
  for (const controller of running.values()) controller.abort(new Error('the pack is stopping'));
  for (const driver of drivers) {
    try {
      await driver.shutdown?.();
    } catch {
      // Stopping anyway: the host kills the process after its grace period.
    }
  }
  process.exit(0);
}
