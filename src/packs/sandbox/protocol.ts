/**
 * The protocol between the host and a pack's sandboxed process, version 1 (docs/pack-sandbox.md
 * lists every message). Newline-delimited JSON over a pipe of its own (the child's fd 3), so the
 * host reads the untrusted child's bytes itself: it bounds a line before parsing it, and a bad
 * line is a violation, never an exception in the host (Node's IPC channel parses the child's
 * JSON inside Node, unbounded). Everything the child says is parsed here with zod.
 */
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

const callId = z.number().int().min(0).max(2 ** 31);
const text = (max: number) => z.string().max(max);
const headerList = z.array(z.tuple([text(256), text(16_384)])).max(200);

/** The attempts the child's guards report (Node's permission model refused them, or the net guard). */
export const attemptKindSchema = z.enum(['fs.read', 'fs.write', 'child_process', 'worker', 'addon', 'wasi', 'net', 'permission']);

const usageSchema = z.strictObject({
  tokens: z.number().optional(),
  costUsd: z.number().optional(),
  model: text(128).optional(),
  inputTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  cachedInputTokens: z.number().optional(),
});

/** What the child may send. */
export const childMessageSchema = z.discriminatedUnion('t', [
  /** The modules are loaded and initialised; manifests are checked with driverManifestSchema after. */
  z.strictObject({ t: z.literal('ready'), v: z.literal(PROTOCOL_VERSION), manifests: z.array(z.unknown()).min(1).max(20) }),
  /** Loading failed (a module missing, a bad export, an init that threw). */
  z.strictObject({ t: z.literal('failed'), message: text(4000) }),
  z.strictObject({ t: z.literal('result'), id: callId, outputs: z.array(z.unknown()).max(1000).nullable() }),
  z.strictObject({
    t: z.literal('error'),
    id: callId,
    error: z.strictObject({ name: text(200), message: text(4000), code: text(100).optional(), retryable: z.boolean().optional() }),
  }),
  z.strictObject({ t: z.literal('usage'), id: callId, usage: usageSchema }),
  z.strictObject({
    t: z.literal('log'),
    id: callId.optional(),
    level: z.enum(['debug', 'info', 'warn', 'error']),
    message: text(8000),
    fields: z.record(text(200), z.unknown()).optional(),
  }),
  z.strictObject({
    t: z.literal('fetch'),
    id: callId,
    call: callId.optional(),
    url: text(8192),
    method: z.string().regex(/^[A-Za-z]{1,16}$/),
    headers: headerList,
    /** Base64. */
    body: z.string().optional(),
  }),
  z.strictObject({ t: z.literal('fetch.cancel'), id: callId }),
  z.strictObject({ t: z.literal('violation'), call: callId.optional(), kind: attemptKindSchema, target: text(4096), message: text(4000) }),
  z.strictObject({ t: z.literal('pong'), n: z.number().int().min(0) }),
]);
export type ChildMessage = z.infer<typeof childMessageSchema>;

/** What the host sends (the child trusts it; typed, not parsed). */
export type HostMessage =
  | { t: 'init'; v: number; pack: string; root: string; drivers: Array<{ module: string; options?: Record<string, unknown> }> }
  | {
      t: 'handle';
      id: number;
      driver: number;
      event: unknown;
      attempt: number;
      idempotencyKey: string;
      restrictions: unknown;
    }
  | { t: 'cancel'; id: number; reason: string }
  | { t: 'fetch.result'; id: number; ok: true; status: number; statusText: string; headers: Array<[string, string]>; body: string; url: string; redirected: boolean }
  | { t: 'fetch.result'; id: number; ok: false; code: string; message: string }
  | { t: 'ping'; n: number }
  | { t: 'shutdown' };
