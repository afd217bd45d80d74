/**
 * One running pack process as the host holds it: spawned with its command line, the protocol
 * pipe read line by line (bounded, every message parsed with zod), the calls in flight, the
 * heartbeat, and its end. The supervisor (sandbox.ts) decides what an end means.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { z } from 'zod';
import { KernelError, type Logger } from '../../kernel/index.js';
import { LineReader } from './line-reader.js';
import { childMessageSchema, type ChildMessage, type HostMessage } from './protocol.js';

export interface ProcessSpec {
  command: string;
  args: readonly string[];
  cwd: string;
  init: Extract<HostMessage, { t: 'init' }>;
  maxMessageChars: number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  startTimeoutMs: number;
  logger: Logger;
}

/** What the supervisor hears from a process. */
export interface ProcessEvents {
  /** Any message after `ready`, already parsed. */
  message(message: ChildMessage): void;
  /** A line that is not a message of the protocol: the process is killed after this. */
  protocolViolation(reason: string): void;
  /** The process is gone (exited, or killed by the host for the reason given). */
  exited(info: ProcessExit): void;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the host killed it: why. */
  killedFor?: string;
}

/** Output lines (stdout, stderr) longer than this are cut in the log. */
const MAX_OUTPUT_LINE = 4000;

export class SandboxProcess {
  /** The manifests the child reported, not yet validated. */
  readonly ready: Promise<unknown[]>;
  readonly exited: Promise<ProcessExit>;
  readonly #child: ChildProcess;
  readonly #pipe: Writable & Readable;
  #killedFor: string | undefined;
  #isReady = false;
  #pingSent = 0;
  #pongAt = 0;
  #pingSentAt = 0;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly spec: ProcessSpec,
    private readonly events: ProcessEvents,
  ) {
    // No environment of the host's (its secrets): only what the pack's code needs to run.
    this.#child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: { NODE_ENV: 'production', TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], windowsHide: true });
    this.#pipe = this.#child.stdio[3] as Writable & Readable;
    let readyResolve!: (manifests: unknown[]) => void;
    let readyReject!: (error: Error) => void;
    this.ready = new Promise((resolve, reject) => ((readyResolve = resolve), (readyReject = reject)));
    this.ready.catch(() => undefined);
    const startTimer = setTimeout(() => this.kill(`it did not start within ${spec.startTimeoutMs} ms`), spec.startTimeoutMs);
    this.exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        clearTimeout(startTimer);
        clearInterval(this.#heartbeat);
        const info: ProcessExit = { code, signal, ...(this.#killedFor === undefined ? {} : { killedFor: this.#killedFor }) };
        readyReject(new KernelError('driver_failed', `the pack's process ended before it was ready (${describeExit(info)})`));
        resolve(info);
        events.exited(info);
      });
    });
    this.#child.once('error', (error) => {
      clearTimeout(startTimer);
      readyReject(new KernelError('not_supported', `the pack's process could not be started: ${error.message}`, { cause: error }));
    });
    const reader = new LineReader(
      spec.maxMessageChars,
      (line) => this.#line(line, readyResolve, readyReject),
      (chars) => this.#violation(`a message of more than ${spec.maxMessageChars} characters (${chars} so far)`),
    );
    this.#pipe.setEncoding('utf8');
    this.#pipe.on('data', (chunk: string) => reader.push(chunk));
    this.#pipe.on('error', () => undefined);
    this.#forwardOutput(this.#child.stdout, 'info', 'stdout');
    this.#forwardOutput(this.#child.stderr, 'warn', 'stderr');
    this.ready.then(() => clearTimeout(startTimer), () => clearTimeout(startTimer));
    this.send(spec.init);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get isReady(): boolean {
    return this.#isReady;
  }

  send(message: HostMessage): void {
    if (this.#child.exitCode !== null || this.#killedFor !== undefined) return;
    this.#pipe.write(`${JSON.stringify(message)}\n`);
  }

  /** Ends the process at once (a crash, a hang, a broken protocol): the calls in flight are the supervisor's. */
  kill(reason: string): void {
    if (this.#killedFor !== undefined || this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#killedFor = reason;
    this.#child.kill('SIGKILL');
  }

  /** Asks the drivers to shut down and the process to exit; kills it after `graceMs`. */
  async stop(graceMs: number): Promise<ProcessExit> {
    this.send({ t: 'shutdown' });
    const timer = setTimeout(() => this.kill(`it did not stop within ${graceMs} ms`), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  #line(line: string, readyResolve: (manifests: unknown[]) => void, readyReject: (error: Error) => void): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return this.#violation('a line that is not JSON');
    }
    const parsed = childMessageSchema.safeParse(value);
    if (!parsed.success) return this.#violation(`a message the protocol does not allow: ${z.prettifyError(parsed.error).slice(0, 500)}`);
    const message = parsed.data;
    if (!this.#isReady) {
      if (message.t === 'ready') {
        this.#isReady = true;
        this.#startHeartbeat();
        return readyResolve(message.manifests);
      }
      if (message.t === 'failed') return readyReject(new KernelError('invalid_input', message.message));
      // Logs and attempts at load time are fine; a call's answer before any call is not.
      if (message.t !== 'log' && message.t !== 'violation' && message.t !== 'fetch' && message.t !== 'fetch.cancel') {
        return this.#violation(`"${message.t}" before "ready"`);
      }
    } else if (message.t === 'ready' || message.t === 'failed') {
      return this.#violation(`"${message.t}" a second time`);
    }
    if (message.t === 'pong') {
      this.#pongAt = message.n;
      return;
    }
    this.events.message(message);
  }

  #violation(reason: string): void {
    if (this.#killedFor !== undefined) return;
    this.events.protocolViolation(reason);
    this.kill(`it broke the protocol: ${reason}`);
  }

  #startHeartbeat(): void {
    this.#heartbeat = setInterval(() => {
      // The last ping is unanswered after a whole timeout: the event loop is stuck.
      if (this.#pongAt < this.#pingSent && performance.now() - this.#pingSentAt > this.spec.heartbeatTimeoutMs) {
        this.kill(`it did not answer the heartbeat within ${this.spec.heartbeatTimeoutMs} ms`);
        return;
      }
      if (this.#pongAt === this.#pingSent) {
        this.#pingSent += 1;
        this.#pingSentAt = performance.now();
        this.send({ t: 'ping', n: this.#pingSent });
      }
    }, this.spec.heartbeatIntervalMs);
    this.#heartbeat.unref();
  }

  /** The process's stdout and stderr as log lines, each cut at MAX_OUTPUT_LINE characters. */
  #forwardOutput(stream: Readable | null, level: 'info' | 'warn', name: string): void {
    if (!stream) return;
    stream.setEncoding('utf8');
    let buffered = '';
    let skipping = false;
    const log = (line: string): void => this.spec.logger[level]({ stream: name }, line);
    stream.on('data', (chunk: string) => {
      const lines = (buffered + chunk).split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        // The rest of a line already logged in part.
        if (skipping) skipping = false;
        else if (line.length > 0) log(line.length > MAX_OUTPUT_LINE ? `${line.slice(0, MAX_OUTPUT_LINE)}…` : line);
      }
      if (buffered.length > MAX_OUTPUT_LINE) {
        if (!skipping) log(`${buffered.slice(0, MAX_OUTPUT_LINE)}…`);
        skipping = true;
        buffered = '';
      }
    });
  }
}

export function describeExit(exit: ProcessExit): string {
  if (exit.killedFor !== undefined) return `killed: ${exit.killedFor}`;
  if (exit.signal !== null) return `signal ${exit.signal}`;
  return `exit code ${String(exit.code)}`;
}
