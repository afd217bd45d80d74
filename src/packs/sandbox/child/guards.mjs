// @ts-check
// Wrappers around what the permission model refuses (files, child processes, workers, addons)
// and around every way to open a socket, installed before any driver code loads. Node's
// permission model enforces the refusals; the wrappers only see them, so that an attempt is
// reported for the audit trail even when the driver swallows the error. Sockets are refused
// here because Node 20 and 22 have no network permission (the host's network namespace, where
// there is one, cuts TCP/UDP as well; nothing else cuts a Unix socket outside the file grant).
import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import fs from 'node:fs';
import module from 'node:module';
import net from 'node:net';
import workerThreads from 'node:worker_threads';

/** @typedef {{ kind: string, target: string, message: string }} Attempt */

const PERMISSION_KINDS = /** @type {Record<string, string>} */ ({
  FileSystemRead: 'fs.read',
  FileSystemWrite: 'fs.write',
  ChildProcess: 'child_process',
  WorkerThreads: 'worker',
  WASI: 'wasi',
});

/** Errors already reported, so that one refusal seen by two wrappers is reported once. */
const reported = new WeakSet();

/**
 * The attempt a permission error stands for, or undefined for any other value.
 * @param {unknown} error
 * @returns {Attempt | undefined}
 */
export function refusedAttempt(error) {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, permission, resource, message } = /** @type {{ code?: unknown, permission?: unknown, resource?: unknown, message?: unknown }} */ (error);
  if (code === 'ERR_DLOPEN_DISABLED') return { kind: 'addon', target: 'native addon', message: String(message) };
  if (code !== 'ERR_ACCESS_DENIED') return undefined;
  const kind = PERMISSION_KINDS[String(permission)] ?? 'permission';
  return { kind, target: typeof resource === 'string' && resource.length > 0 ? resource : String(permission), message: String(message) };
}

/**
 * @param {(attempt: Attempt) => void} report
 */
export function installGuards(report) {
  /** @param {unknown} error @param {string} [target] what was attempted, when the error does not say */
  const check = (error, target) => {
    const attempt = refusedAttempt(error);
    if (attempt && target !== undefined && attempt.kind !== 'fs.read' && attempt.kind !== 'fs.write') attempt.target = target;
    if (!attempt || reported.has(/** @type {object} */ (error))) return;
    reported.add(/** @type {object} */ (error));
    report(attempt);
  };
  const guard = (/** @type {Function} */ original) => observeRefusals(original, (error) => check(error));
  wrapFunctions(fs, guard);
  wrapFunctions(fs.promises, guard);
  // A command's refusal names the command.
  wrapFunctions(childProcess, (original) => observeRefusals(original, (error, args) => check(error, `${original.name} ${String(args[0]).slice(0, 200)}`)));
  process.dlopen = guard(process.dlopen);
  // A class: a Proxy keeps `new` and `instanceof` working.
  const Worker = workerThreads.Worker;
  workerThreads.Worker = new Proxy(Worker, {
    construct(target, args, newTarget) {
      try {
        return Reflect.construct(target, args, newTarget);
      } catch (error) {
        check(error, `new Worker(${typeof args[0] === 'string' && args[1]?.eval ? 'eval' : String(args[0]).slice(0, 200)})`);
        throw error;
      }
    },
  });
  refuseNetwork(report);
  // `import { readFileSync } from 'node:fs'` in driver code sees the wrappers only after this.
  module.syncBuiltinESMExports();
}

/**
 * @param {Function} original
 * @param {(error: unknown, args: unknown[]) => void} check
 */
function observeRefusals(original, check) {
  /** @this {unknown} @param {unknown[]} args */
  const wrapped = function (...args) {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = function (/** @type {unknown[]} */ ...results) {
        check(results[0], args);
        return Reflect.apply(callback, this, results);
      };
    }
    let result;
    try {
      result = Reflect.apply(original, this, args);
    } catch (error) {
      check(error, args);
      throw error;
    }
    if (result instanceof Promise) {
      return result.catch((/** @type {unknown} */ error) => {
        check(error, args);
        throw error;
      });
    }
    return result;
  };
  // Keep what callers read off the function (util.promisify.custom, realpathSync.native).
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(original))) {
    if (key === 'length' || key === 'name' || key === 'prototype') continue;
    try {
      Object.defineProperty(wrapped, key, descriptor);
    } catch {
      // A non-configurable property of the wrapper itself: nothing to keep.
    }
  }
  for (const symbol of Object.getOwnPropertySymbols(original)) {
    const descriptor = Object.getOwnPropertyDescriptor(original, symbol);
    if (descriptor) Object.defineProperty(wrapped, symbol, descriptor);
  }
  return wrapped;
}

/**
 * Wraps a module's functions in place (classes, whose names start with a capital, stay).
 * @param {object} target
 * @param {(original: Function) => Function} guard
 */
function wrapFunctions(target, guard) {
  const record = /** @type {Record<string, unknown>} */ (target);
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (typeof value !== 'function' || /^[A-Z]/.test(key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(record, key);
    if (!descriptor || !descriptor.writable || !descriptor.configurable) continue;
    Object.defineProperty(record, key, { ...descriptor, value: guard(value) });
  }
}

/**
 * Every socket, server and DNS query refused with an error, and reported: the pack reaches the
 * network only through the host's fetch.
 * @param {(attempt: Attempt) => void} report
 */
function refuseNetwork(report) {
  /** @param {string} target */
  const refusal = (target) => {
    const error = Object.assign(new Error(`network access is not allowed in a pack's sandbox (${target}): use fetch, which the host performs for the hosts the pack declares`), { code: 'ERR_ACCESS_DENIED', permission: 'Network', resource: target });
    reported.add(error);
    report({ kind: 'net', target, message: error.message });
    return error;
  };
  /** @param {unknown[]} args */
  const describe = (args) => {
    const [first, second] = args;
    if (typeof first === 'object' && first !== null) {
      const options = /** @type {{ path?: unknown, host?: unknown, port?: unknown }} */ (first);
      if (typeof options.path === 'string') return options.path;
      return `${String(options.host ?? 'localhost')}:${String(options.port ?? '')}`;
    }
    if (typeof first === 'string' && second === undefined) return first;
    return `${String(second ?? 'localhost')}:${String(first)}`;
  };
  net.Socket.prototype.connect = function (/** @type {unknown[]} */ ...args) {
    throw refusal(`connect ${describe(Array.isArray(args[0]) ? args[0] : args)}`);
  };
  net.Server.prototype.listen = function (/** @type {unknown[]} */ ...args) {
    throw refusal(`listen ${describe(args)}`);
  };
  dgram.createSocket = function () {
    throw refusal('udp socket');
  };
  // Module functions and the methods of resolvers (`new dns.Resolver()` queries c-ares directly).
  const QUERY = /^(lookup|lookupService|resolve.*|reverse)$/;
  const targets = [dns, dns.promises, dns.Resolver.prototype, dns.promises.Resolver.prototype];
  for (const target of targets) {
    const record = /** @type {Record<string, unknown>} */ (target);
    for (const key of Object.getOwnPropertyNames(record)) {
      if (!QUERY.test(key) || typeof record[key] !== 'function') continue;
      record[key] = target === dns.promises || target === dns.promises.Resolver.prototype
        ? async () => {
            throw refusal(`dns ${key}`);
          }
        : () => {
            throw refusal(`dns ${key}`);
          };
    }
  }
}
